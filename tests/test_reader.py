"""Reading articles: decoding, web pages, boilerplate, publication dates and sentence spans."""
import re

import pytest

from ingest.errors import UserError
from ingest.reader import parse_size, read_article
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


# --- encodings: decoded where they can be told apart, else refused naming the file and the byte -------------

LATIN = "Le café de Zürich, señor: «Genève» à 5°."  # Latin-1 has no curly quotes or euro sign
WESTERN = "Ukraine’s “allies” met in Zürich; the café said €5, señor."
ANY = WESTERN + " Ελλάδα"


@pytest.mark.parametrize("text, data", [
    (LATIN, LATIN.encode("latin-1")),
    (WESTERN, WESTERN.encode("cp1252")),
    (ANY, ANY.encode("utf-16-be")),  # no byte-order mark: the NULs beside the ASCII letters tell the byte order
    (ANY, ANY.encode("utf-16-le")),
    (ANY, b"\xfe\xff" + ANY.encode("utf-16-be")),
    (ANY, "\ufeff".encode("utf-8") + ANY.encode("utf-8")),
], ids=["latin-1", "windows-1252", "utf-16-be", "utf-16-le", "utf-16-be-bom", "utf-8-bom"])
def test_each_encoding_is_decoded_and_the_hash_is_of_the_bytes(text, data):
    import hashlib

    article = read_article(data, "a.txt")
    assert article.text == text
    assert article.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data, reason", [
    (b"Kyiv \x81 and \x9d Minsk", "not UTF-8, UTF-16 or Windows-1252/Latin-1 text (byte 0x81 at 5 fits none)"),
    ("Zürich and Genève are in Switzerland ".encode() + b"\xff", "not valid UTF-8 text (byte 0xff at 39 breaks it"),
    (b"\x00\x01\x02\x03" * 8, "binary file (NUL bytes)"),
    ("Ελλάδα".encode("utf-16-le") + b"\x00\x00", "binary file (NUL bytes)"),  # no BOM, no ASCII: cannot be told
], ids=["undefined-in-cp1252", "damaged-utf-8", "binary-without-text", "bomless-non-latin-utf-16"])
def test_bytes_no_encoding_fits_are_refused_naming_the_file_and_the_byte(data, reason):
    with pytest.raises(UserError, match=f"^bad.txt: {re.escape(reason)}"):
        read_article(data, "bad.txt")


def test_a_page_in_a_declared_charset_is_decoded_by_it():
    page = '<html><head><meta charset="koi8-r"></head><body><p>Россия и Китай подписали договор.</p></body></html>'
    assert read_article(page.encode("koi8_r"), "ru.html").text == "Россия и Китай подписали договор.\n"


# --- web pages: the text a reader sees, offsets into it ---------------------------------------------------

PAGE_HTML = """<!DOCTYPE html>
<html><head><title>Daily | World</title><meta charset="utf-8"><style>p { color: red }</style>
<script>var s = "Russia and China signed a treaty.";</script></head>
<body><header><nav><a href="/">Home</a> &raquo; <a>World</a></nav><div>Daily News</div></header>
<main><article><header><h1>Leaders Meet in Geneva</h1></header>
<p>Published: March 3, 2024</p>
<p>Chile and Peru signed a defence treaty on 3&nbsp;May 2024. The &ldquo;talks&rdquo;
   lasted two hours &amp; more.</p>
<div hidden>Cuba and Iran signed a treaty.</div>
<footer>Share this</footer></article></main>
<aside><h2>Most read</h2><p>Sweden joined NATO.</p></aside>
<footer><p>&copy; 2024 Daily</p></footer></body></html>"""


@pytest.mark.parametrize("name", ["page.html", "page.htm", "saved-as-text.txt"])
def test_a_web_page_gives_the_text_a_reader_sees(name):
    article = read_article(PAGE_HTML.encode("utf-8"), name)
    assert article.text == ("Leaders Meet in Geneva\nPublished: March 3, 2024\nChile and Peru signed a defence "
                            "treaty on 3\xa0May 2024. The “talks” lasted two hours & more.\n")
    assert article.published.iso == "2024-03-03"
    assert [article.text[s:e] for s, e in split_sentences(article.text, article.body)] == [
        "Leaders Meet in Geneva", "Chile and Peru signed a defence treaty on 3\xa0May 2024.",
        "The “talks” lasted two hours & more."]


def test_text_that_mentions_markup_is_not_taken_for_a_page():
    text = "Analysts wrote <html> and <body> tags into the leaked memo.\n"
    assert read_article(text.encode(), "memo.txt").text == text


def test_a_page_with_nothing_but_furniture_is_refused():
    page = b"<html><head><title>x</title></head><body><nav>Home</nav><script>x()</script></body></html>"
    with pytest.raises(UserError, match="^empty.html: a web page with no article text"):
        read_article(page, "empty.html")


@pytest.mark.parametrize("text, size", [("5000000", 5_000_000), ("200kB", 200_000), ("5MB", 5_000_000),
                                        ("1.5 MiB", 1_572_864), ("10mb", 10_000_000), ("2G", 2_000_000_000)])
def test_sizes_are_read_as_people_write_them(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "5XB", "-1", "MB", "1e6"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)
