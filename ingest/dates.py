"""Dates as news writes them, normalised to ISO at their own precision.

Absolute dates ("October 12, 2025", "June 2024", "in 2023") stand alone; relative ones ("six years ago",
"last month", "in recent weeks") are resolved against the publication date, and stay unknown without one.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .errors import quoted
from .numbers import UNITS
from .prefilter import first_letters_guard

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|2[01]\d\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_COUNT = "|".join(sorted((w for w in UNITS if " " not in w), key=len, reverse=True)) + r"|\d+"

_PATTERNS = [
    ("iso", rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"),
    ("apa", rf"\((?P<y>{_YEAR}),\s*(?P<mon>{_MONTH})\s+(?P<d>{_DAY})\)"),
    ("mdy", rf"\b(?:{_WEEKDAY},?\s+)?(?P<mon>{_MONTH})\s+(?P<d>{_DAY}),?\s+(?P<y>{_YEAR})\b"),
    ("dmy", rf"\b(?:{_WEEKDAY},?\s+)?(?P<d>{_DAY})\s+(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})\b"),
    ("my", rf"\b(?P<mon>{_MONTH}),?\s+(?P<y>{_YEAR})\b"),
    ("md", rf"\b(?P<mon>{_MONTH})\s+(?P<d>{_DAY})\b(?!,?\s*\d)"),
    ("y", rf"(?i:\b(?:in|since|by|during|until|from|before|after|early|late|mid-?|around|throughout|spring|summer|autumn|fall|winter|of)\s+)(?P<y>{_YEAR})\b(?![-/]\d)"),
    ("wd", rf"\b(?:(?:on|last|this|since|by|until|from|before|after|early|late) )?(?P<weekday>{_WEEKDAY})\b(?!,?\s+(?:{_MONTH}\s+)?\d)"),
    ("moy", rf"\b(?P<mon>{_MONTH}) (?:of )?(?P<which>(?i:last|this|next)) year\b"),
    ("mo", rf"\b(?P<rel>(?i:in|last|this|since|by|until|from|before|after|early|late|mid-?|during)) (?P<mon>{_MONTH})(?!\s*\d)(?! (?:of )?(?i:last|this|next) year)\b"),
    ("ago", rf"(?i:\b(?P<n>{_COUNT})\s+(?P<unit>day|week|month|year)s?\s+ago\b)"),
    ("last", r"(?i:\b(?:last|past|previous)\s+(?P<unit>week|month|year)\b)"),
    ("next", r"(?i:\b(?:next|coming)\s+(?P<unit>week|month|year)\b)"),
    ("recent", r"(?i:\b(?:in\s+)?(?:recent|the\s+past\s+few|the\s+last\s+few)\s+(?P<unit>day|week|month)s\b)"),
    ("this", r"(?i:\b(?:earlier\s+|later\s+)?this\s+(?P<unit>week|month|year)\b)"),
    ("dayword", r"(?i:\b(?P<word>yesterday|today|tonight|this (?:morning|afternoon|evening))\b)"),
]
# Words that put a following weekday or month in the future: "will visit Baku in July".
_FUTURE = re.compile(r"\b(?:will|shall|expected to|plans? to|planned|set to|scheduled|due to|going to|upcoming)\b",
                     re.IGNORECASE)
FUTURE_LOOKBACK = 60
# Every pattern starts a word (or at "("): the first guard turns away the positions inside words at once, the
# second the words no pattern starts with (most of them), before the patterns are tried one by one.
DATE_RE = re.compile(r"(?:(?<!\w)|(?=\())" + first_letters_guard([rx for _, rx in _PATTERNS]) + "(?:"
                     + "|".join(f"(?P<{name}>{rx.replace('(?P<', f'(?P<{name}_')})" for name, rx in _PATTERNS) + ")")


@dataclass(frozen=True, order=True)
class DateValue:
    """A date at the precision the text gives: ``iso`` is YYYY, YYYY-MM or YYYY-MM-DD."""

    earliest: date
    latest: date
    iso: str
    precision: str  # "day" | "month" | "year"

    @classmethod
    def day(cls, d: date) -> "DateValue":
        return cls(d, d, d.isoformat(), "day")

    @classmethod
    def month(cls, year: int, month: int) -> "DateValue":
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), f"{year:04d}-{month:02d}", "month")

    @classmethod
    def year(cls, year: int) -> "DateValue":
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")

    @classmethod
    def span(cls, earliest: date, latest: date) -> "DateValue":
        """A stretch of days up to ``latest``: named by its last month when it spans a month or less (news
        says "in recent weeks" of the month it is written in), else by the coarsest form covering both ends."""
        if (latest - earliest).days <= 31 or (earliest.year, earliest.month) == (latest.year, latest.month):
            return cls(earliest, latest, f"{latest.year:04d}-{latest.month:02d}", "month")
        return cls(earliest, latest, f"{latest.year:04d}", "year")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: DateValue | None  # None: a relative date with nothing to resolve it against


def _safe_day(y: int, m: int, d: int) -> DateValue | None:
    try:
        return DateValue.day(date(y, m, d))
    except ValueError:
        return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else UNITS[word.lower()]


def _resolve(kind: str, g: dict, anchor: date | None, future: bool = False) -> DateValue | None:
    if kind in ("iso", "apa", "mdy", "dmy"):
        month = int(g["m"]) if kind == "iso" else MONTHS[g["mon"].rstrip(".").lower()]
        return _safe_day(int(g["y"]), month, int(re.match(r"\d+", g["d"])[0]))
    if kind == "my":
        return DateValue.month(int(g["y"]), MONTHS[g["mon"].rstrip(".").lower()])
    if kind == "y":
        return DateValue.year(int(g["y"]))
    if anchor is None:
        return None
    if kind == "md":
        month, day = MONTHS[g["mon"].rstrip(".").lower()], int(re.match(r"\d+", g["d"])[0])
        value = _safe_day(anchor.year, month, day)
        if value and value.earliest > anchor:  # a dateline never points into the future
            value = _safe_day(anchor.year - 1, month, day)
        return value
    if kind == "wd":  # the latest such weekday on or before the publication date (the next one in a plan)
        day = list(calendar.day_name).index(g["weekday"])
        if future:
            return DateValue.day(anchor + timedelta(days=(day - anchor.weekday()) % 7 or 7))
        return DateValue.day(anchor - timedelta(days=(anchor.weekday() - day) % 7))
    if kind == "moy":
        year = anchor.year + {"last": -1, "this": 0, "next": 1}[g["which"].lower()]
        return DateValue.month(year, MONTHS[g["mon"].rstrip(".").lower()])
    if kind == "mo":  # the latest such month not after the publication date ("last May" in May: a year ago)
        month = MONTHS[g["mon"].rstrip(".").lower()]  # in a plan ("will visit in July"): the next one
        if future and g["rel"].lower() != "last":
            return DateValue.month(anchor.year if month >= anchor.month else anchor.year + 1, month)
        year = anchor.year if month < anchor.month or (month == anchor.month and g["rel"].lower() != "last") \
            else anchor.year - 1
        return DateValue.month(year, month)
    unit = (g.get("unit") or "").lower()
    if kind == "ago":
        n = _count(g["n"])
        if unit == "year":
            return DateValue.year(anchor.year - n)
        if unit == "month":
            y, m = divmod(anchor.year * 12 + anchor.month - 1 - n, 12)
            return DateValue.month(y, m + 1)
        d = anchor - timedelta(days=n * (7 if unit == "week" else 1))
        return DateValue.day(d) if unit == "day" else DateValue.span(d - timedelta(days=3), d + timedelta(days=3))
    if kind == "last":
        if unit == "year":
            return DateValue.year(anchor.year - 1)
        if unit == "month":
            y, m = divmod(anchor.year * 12 + anchor.month - 2, 12)
            return DateValue.month(y, m + 1)
        start = anchor - timedelta(days=anchor.weekday() + 7)
        return DateValue.span(start, start + timedelta(days=6))
    if kind == "next":
        if unit == "year":
            return DateValue.year(anchor.year + 1)
        if unit == "month":
            y, m = divmod(anchor.year * 12 + anchor.month, 12)
            return DateValue.month(y, m + 1)
        start = anchor + timedelta(days=7 - anchor.weekday())
        return DateValue.span(start, start + timedelta(days=6))
    if kind == "recent":
        days = {"day": 7, "week": 28, "month": 120}[unit]
        return DateValue.span(anchor - timedelta(days=days), anchor)
    if kind == "this":
        if unit == "year":
            return DateValue.year(anchor.year)
        if unit == "month":
            return DateValue.month(anchor.year, anchor.month)
        return DateValue.span(anchor - timedelta(days=anchor.weekday()), anchor)
    if kind == "dayword":
        return DateValue.day(anchor - timedelta(days=1 if g["word"].lower() == "yesterday" else 0))
    return None


def find_dates(text: str, anchor: date | None = None) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``anchor`` (the publication date) where relative."""
    found = []
    for m in DATE_RE.finditer(text):
        kind = m.lastgroup if m.lastgroup in dict(_PATTERNS) else next(k for k, _ in _PATTERNS if m[k])
        groups = {k[len(kind) + 1:]: v for k, v in m.groupdict().items() if k.startswith(kind + "_") and v}
        future = bool(_FUTURE.search(text, max(0, m.start() - FUTURE_LOOKBACK), m.start()))
        try:
            value = _resolve(kind, groups, anchor, future)
        except (ValueError, OverflowError):  # before year 1 or past 9999 ("3000 years ago"): no date to give
            value = None
        found.append(DateMention(m.start(), m.end(), m[0], value))
    return found


def parse_date(text: str) -> DateValue:
    """One date given by a user ("2022", "June 2024", "2024-06-01", "October 12, 2025"); ValueError otherwise."""
    text = text.strip()
    if re.fullmatch(_YEAR, text):
        return DateValue.year(int(text))
    m = re.fullmatch(rf"(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])", text)
    if m:
        return DateValue.month(int(m["y"]), int(m["m"]))
    mentions = [d for d in find_dates(text) if d.value]
    if len(mentions) == 1 and mentions[0].text.strip() == text:
        return mentions[0].value
    raise ValueError(f"not a date: {quoted(text)} (use YYYY, YYYY-MM, YYYY-MM-DD or e.g. 'June 2024')")
