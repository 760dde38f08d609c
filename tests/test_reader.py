"""Reading articles: decoding, boilerplate, publication dates and sentence spans."""
import pytest

from ingest.errors import UserError
from ingest.reader import read_article
from ingest.sentences import split_sentences

PAGE = """Friday, January 23, 2026
HomePolitics"Leaders Meet in Geneva, Signaling a Thaw...

Leaders Meet in Geneva

Swiss officials said Mr. Smith met the U.S. envoy on Monday. The talks lasted two hours[1]. Both sides spoke.
- A bullet point follows here.

RELATED ARTICLES

LEAVE A REPLY

Please enter your comment!
Most Popular
"""


def sentences(text: str) -> list[str]:
    article = read_article(text.encode("utf-8"), "page.txt")
    return [article.text[s:e] for s, e in split_sentences(article.text, article.body)]


def test_publication_date_line_is_read_and_not_a_sentence():
    article = read_article(PAGE.encode(), "page.txt")
    assert article.published.iso == "2026-01-23"
    assert not any("2026" in s for s in sentences(PAGE))


def test_boilerplate_is_not_article_text():
    found = sentences(PAGE)
    assert found[0] == "Leaders Meet in Geneva"
    assert not [s for s in found if "RELATED" in s or "comment" in s or "Popular" in s or s.startswith("Home")]


def test_sentences_respect_abbreviations_citations_and_bullets():
    assert sentences(PAGE)[1:] == [
        "Swiss officials said Mr. Smith met the U.S. envoy on Monday.",
        "The talks lasted two hours[1].",
        "Both sides spoke.",
        "A bullet point follows here.",
    ]


def test_offsets_point_into_the_decoded_text():
    text = "\ufeffFirst sentence here. Second one, with “quotes”.\r\nThird line."
    article = read_article(text.encode("utf-8"), "bom.txt")
    spans = split_sentences(article.text, article.body)
    assert [article.text[s:e] for s, e in spans] == ["First sentence here.", "Second one, with “quotes”.", "Third line."]


def test_hash_is_of_the_file_bytes():
    import hashlib

    data = "Ünïcode text.".encode("utf-16")
    assert read_article(data, "u16.txt").sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data, reason", [(b"", "empty file"), (b"  \n\t", "empty file"),
                                          (b"\x89PNG\x00\x00", "binary file")])
def test_unreadable_files_name_the_file_and_the_reason(data, reason):
    with pytest.raises(UserError, match=f"bad.txt: {reason}"):
        read_article(data, "bad.txt")


def test_windows_1252_is_decoded():
    article = read_article("Kyiv’s “allies” met.".encode("cp1252"), "w.txt")
    assert article.text == "Kyiv’s “allies” met."


def test_a_dated_dateline_is_the_publication_date_when_no_date_line_is_given():
    article = read_article(b"Headline here\n\nSAO PAULO, March 18, 2025 - Brazil is neutral, the president said.\n", "d.txt")
    assert article.published.iso == "2025-03-18"
    assert sentences("SAO PAULO, March 18, 2025 - Brazil is neutral.\n") == ["Brazil is neutral."]
