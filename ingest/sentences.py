"""Sentence spans with character offsets into the decoded article text."""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

# A full stop, question or exclamation mark, closing quotes or brackets and citation marks, then space and
# something that can open a sentence.
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?:\[\d+\])*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


def dateline(text: str, start: int, end: int) -> re.Match | None:
    """The dateline opening the line at ``start`` ("NAIROBI, March 3 (Reuters) - "), if any."""
    return _config()[2].match(text, start, end)


@lru_cache(maxsize=1)
def _config() -> tuple[frozenset[str], str, re.Pattern]:
    raw = tomllib.loads(resources.files("ingest").joinpath("patterns/sentences.toml").read_text("utf-8"))
    return frozenset(raw["abbreviations"]), raw["bullets"], re.compile(raw["dateline"])


def _is_abbreviation(text: str, dot: int, abbreviations: frozenset[str]) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation or an initial rather than a sentence."""
    word_start = dot
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "([\"“":
        word_start -= 1
    word = text[word_start:dot + 1]
    return word in abbreviations or bool(re.fullmatch(r"(?:[A-Z]\.)+", word))


def split_sentences(text: str, spans) -> list[tuple[int, int]]:
    """Sentence (start, end) spans inside the given line spans, trimmed of space, list bullets and datelines."""
    abbreviations, bullets, dateline = _config()
    sentences = []
    for line_start, line_end in spans:
        while line_start < line_end and (text[line_start] in bullets or text[line_start].isspace()):
            line_start += 1
        m = dateline.match(text, line_start, line_end)
        if m:
            line_start = m.end()
        start = line_start
        for m in _BOUNDARY.finditer(text, line_start, line_end):
            if text[m.start()] == "." and _is_abbreviation(text, m.start(), abbreviations):
                continue
            sentences.append((start, m.end()))
            start = m.end()
            while start < line_end and text[start].isspace():
                start += 1
        if start < line_end:
            sentences.append((start, line_end))
    return sentences
