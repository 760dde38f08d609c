"""The rule prefilter: cues are words every match contains, so skipping rules without them changes nothing."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from ingest import gazetteer, patterns
from ingest.extract import Extractor
from ingest.prefilter import DIGIT, CueIndex, cues, first_letters, first_letters_guard
from ingest.reader import read_file

DATA = Path(__file__).parents[1] / "data"


@pytest.mark.parametrize("pattern, expected", [
    ("(?:signed|inked) a treaty", ((" a treaty",), ("inked", "signed"))),  # every requirement, most telling first
    ("(?:signed|inked) (?:an? )?accord", (("accord",), ("inked", "signed"))),
    ("(?:signed|inked)(?: an)? ⟨S\\d+⟩", (("inked", "signed"),)),  # a branch whose every arm has a cue
    ("(?:Signed)?Bar", (("bar",),)),                                 # optional parts give nothing; lower case
    ("x|yz", None),                                                   # too short to filter anything
    ("⟨S\\d+⟩ and ⟨S\\d+⟩", ((" and ",),)),                      # a common word when there is nothing else
    ("⟨S\\d+⟩ and ⟨S\\d+⟩ signed", ((" signed",),)),             # and not when there is
    ("troops{1,3} sent", (("troop",), (" sent",))),                  # a repeated letter ends a run
    ("a(?:bcd|efg)h(?:ijk|lmn)o(?:pqr|stu)v(?:wxy|z12)", (("bcd", "efg"), ("ijk", "lmn"), ("pqr", "stu"))),  # 3 at most
])
def test_cues_are_words_every_match_contains(pattern, expected):
    assert cues(re.compile(pattern, re.IGNORECASE)) == expected


@pytest.mark.parametrize("patterns, expected", [
    (["signed", "Sent"], ["sen", "sig"]),                      # cut at three letters, lower case
    (["(?:on )?Monday", r"\bin (?P<y>\d{4})"], ["in ", "mon", "on "]),  # optional parts both ways; anchors skipped
    ([r"\d+ days", "[ab]c", "[0-2]x"], [DIGIT, "0x", "1x", "2x", "ac", "bc"]),  # \d is any digit, "૦" too
    (["a(?:b|c)d", "ab"], ["ab", "acd"]),                       # "ab" suffices for "abd"
    ([r"\w+ ago"], None), (["(?:x)?[^a]"], None),              # a start that cannot be spelled out
    (["İzmir"], ["İzm"]),                                        # "İ".lower() is two characters: left as it is
])
def test_first_letters_begin_every_match(patterns, expected):
    assert first_letters(patterns) == expected
    for pattern in patterns:  # the lookahead lets through what the pattern matches, whatever its case
        for text in ("İzmir", "izmir", "IZMIR", "Signed", "sent", "Monday", "on monday", "in 2023", "12 days", "abd",
                     "૦૭ days"):
            if re.match(pattern, text, re.IGNORECASE):
                assert re.match(first_letters_guard(patterns) + pattern, text, re.IGNORECASE), (pattern, text)


def test_a_sentence_without_any_cue_is_not_tried():
    index = CueIndex({0: (("inked", "signed"),), 1: (("met",),), 2: None, 7: (("met",), ("treaty",))})
    assert index.met("they inked ⟨s1⟩") == {0, 2} and index.met("they met ⟨s1⟩") == {1, 2}
    assert index.met("they met and signed a treaty") == {0, 1, 2, 7}


def _unguarded(regex: re.Pattern | None) -> re.Pattern | None:
    """A rule's regex without its first-letters lookahead (which its own first letters are, being zero-width)."""
    guard = regex and first_letters_guard([regex.pattern])
    assert regex is None or regex.pattern.startswith(guard)
    return regex and re.compile(regex.pattern.removeprefix(guard), regex.flags)


def test_the_prefilter_changes_no_extraction():
    """Every article of the seeds and gold sets gives the same claims with and without the prefilter (the cues
    and the first-letters lookaheads)."""
    rules = patterns.load()
    assert sum(first_letters_guard([r.regex.pattern]) != "" for r in rules.rules) > len(rules.rules) / 2
    unfiltered = dataclasses.replace(rules, rules=tuple(dataclasses.replace(
        r, cues=None, coordinated_cues=None, regex=_unguarded(r.regex), coordinated=_unguarded(r.coordinated))
        for r in rules.rules))
    fast, slow = Extractor(gazetteer.load(), rules), Extractor(gazetteer.load(), unfiltered)
    files = sorted((DATA / "articles").glob("*.txt")) + sorted((DATA / "gold").glob("*/articles/*.txt"))
    assert len(files) > 50
    claims = 0
    for file in files:
        article = read_file(file, file.parent)
        got, want = fast.extract(article).claims, slow.extract(article).claims
        assert got == want, file
        claims += len(got)
    assert claims > 300
