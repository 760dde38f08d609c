"""Reading one article file: bytes to text, its hash, the lines that are article and not page furniture,
and the publication date when the page states one."""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .dates import DateValue, find_dates
from .errors import UserError
from .sentences import dateline


@dataclass(frozen=True)
class Article:
    path: str  # relative to the ingest root, with forward slashes
    sha256: str  # of the file's bytes
    text: str  # the decoded file; every offset refers to it
    body: tuple[tuple[int, int], ...]  # spans of article lines (page furniture and the date line left out)
    published: DateValue | None


@dataclass(frozen=True)
class _Boilerplate:
    tail_markers: frozenset[str]
    drop_lines: re.Pattern
    date_line: re.Pattern
    date_line_window: int


@lru_cache(maxsize=1)
def _boilerplate() -> _Boilerplate:
    raw = tomllib.loads(resources.files("ingest").joinpath("patterns/boilerplate.toml").read_text("utf-8"))
    prefixes = "|".join(re.escape(p) for p in raw["date_line_prefixes"])
    return _Boilerplate(
        frozenset(m.casefold() for m in raw["tail_markers"]),
        re.compile("|".join(f"(?:{rx})" for rx in raw["drop_lines"]), re.IGNORECASE),
        re.compile(rf"(?:(?:{prefixes})\s*(?:on)?\s*:?\s*)?(?P<date>.+?)\s*", re.IGNORECASE),
        raw["date_line_window"],
    )


def decode(data: bytes, name: str) -> str:
    """Text of a file: UTF-8 (with or without BOM) or UTF-16 with BOM, else Windows-1252; binary is refused."""
    if not data.strip():
        raise UserError(f"{name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UserError(f"{name}: not valid UTF-16 text ({e.reason} at byte {e.start})") from None
    if b"\x00" in data:
        raise UserError(f"{name}: binary file (NUL bytes), not a text article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict") if _is_cp1252(data) else data.decode("latin-1")


def _is_cp1252(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _lines(text: str):
    start = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        yield start, start + len(content), content
        start += len(line)


def read_article(data: bytes, path: str) -> Article:
    """An Article from a file's bytes; ``path`` names it in errors and in provenance."""
    text = decode(data, path)
    rules = _boilerplate()
    body, published, seen = [], None, 0
    for start, end, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        if stripped.casefold() in rules.tail_markers and body:
            break
        if rules.drop_lines.fullmatch(stripped):
            continue
        if published is None and seen <= rules.date_line_window:
            m = rules.date_line.fullmatch(stripped)
            dates = find_dates(m["date"]) if m else []
            if len(dates) == 1 and dates[0].value and dates[0].text == m["date"] and dates[0].value.precision == "day":
                published = dates[0].value
                continue
        lead = len(line) - len(line.lstrip())
        body.append((start + lead, start + len(line.rstrip())))
    if published is None:
        published = _dateline_date(text, body[:rules.date_line_window])
    return Article(path, hashlib.sha256(data).hexdigest(), text, tuple(body), published)


def _dateline_date(text: str, spans) -> DateValue | None:
    """The full date of a dateline near the top ("SAO PAULO, March 18, 2025 - "): the day it was filed."""
    for start, end in spans:
        m = dateline(text, start, end)
        dates = [d.value for d in find_dates(m[0])] if m else []
        if dates and dates[0] and dates[0].precision == "day":
            return dates[0]
    return None


def relative_path(file: Path, root: Path) -> str:
    """The path provenance records: relative to the folder given, or the file's name when given alone."""
    return file.relative_to(root).as_posix() if file != root else file.name


def read_bytes(file: Path, root: Path) -> tuple[str, bytes]:
    """``file``'s provenance path and its bytes."""
    rel = relative_path(file, root)
    try:
        return rel, file.read_bytes()
    except OSError as e:
        raise UserError(f"{rel}: cannot read ({e.strerror or e})") from None


def read_file(file: Path, root: Path) -> Article:
    """Read ``file``; its provenance path is taken relative to ``root``."""
    rel, data = read_bytes(file, root)
    return read_article(data, rel)
