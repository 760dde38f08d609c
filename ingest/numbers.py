"""Quantities as news writes them: "3,000", "6,000 troops", "two thousand", "1.5 million", "thousands of"."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .prefilter import first_letters_guard

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "a dozen": 12, "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000}
# "thousands of" says at least two thousand; the exact figure stays unknown.
VAGUE = {"dozens of": 24, "scores of": 40, "hundreds of": 200, "thousands of": 2_000, "tens of thousands of": 20_000}

_WORD = "|".join(sorted((w for w in UNITS if w not in ("a", "an")), key=len, reverse=True))
_SCALE = "|".join(SCALES)
_VAGUE = "|".join(sorted(VAGUE, key=len, reverse=True))
_QUANTITY = (
    rf"(?:(?P<vague>{_VAGUE})"
    rf"|(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)(?:\s+(?P<dscale>{_SCALE}))?"
    rf"|(?P<words>(?:(?:{_WORD})[\s-]+)*(?:{_WORD})(?:\s+(?:{_SCALE}))?(?:\s+(?:and\s+)?(?:{_WORD}))*))"
    rf"(?![\w\]])"
)
# Not inside a word or figure; the lookahead on the letters a quantity can start with spares most positions the
# alternation (as with the dates).
QUANTITY_RE = re.compile(r"(?<![\w.,\[])" + first_letters_guard([_QUANTITY]) + _QUANTITY, re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    value: int | None  # exact count, None when the text gives only an order of magnitude
    at_least: int | None
    text: str


def _words_value(text: str) -> int | None:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text.lower()):
        if word == "and":
            continue
        if word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total, current = total + current, 0
        elif word in UNITS:
            current += UNITS[word]
        else:
            return None
    return total + current


def parse_quantity(text: str) -> Quantity | None:
    """The number a phrase states, or None when it states none."""
    m = QUANTITY_RE.fullmatch(text.strip())
    if not m:
        return None
    if m["vague"]:
        return Quantity(None, VAGUE[m["vague"].lower()], m[0])
    if m["digits"]:
        number = float(m["digits"].replace(",", ""))
        if m["dscale"]:
            number *= SCALES[m["dscale"].lower()]
        return Quantity(int(number), int(number), m[0])
    value = _words_value(m["words"])
    return Quantity(value, value, m[0]) if value else None
