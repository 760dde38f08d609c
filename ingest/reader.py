"""Reading one article file: bytes to text, its hash, the lines that are article and not page furniture,
and the publication date when the page states one."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .dates import DateValue, find_dates
from .errors import UserError
from .sentences import dateline
from .webpage import declared_charset, is_webpage, page_text


@dataclass(frozen=True)
class Article:
    path: str  # relative to the ingest root, with forward slashes
    sha256: str  # of the file's bytes
    text: str  # the decoded file, or a web page's text (see article_text); every offset refers to it
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


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Text of a file: UTF-16 by its byte-order mark (or, without one, by the NUL bytes of ASCII text), UTF-8
    (with or without BOM), a page's declared charset other than those, else Windows-1252 (which reads Latin-1
    text the same). Binary files and bytes none of these fit are refused, naming the file."""
    if not data.strip():
        raise UserError(f"{name}: empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        return _bomless_utf16(data, name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e
    if declared and declared not in _DETECTED:
        return _strict(data, declared, name, "as the page declares")
    if _mostly_utf8(data):
        raise UserError(f"{name}: not valid UTF-8 text (byte 0x{data[utf8_error.start]:02x} at {utf8_error.start} "
                        "breaks it, though the rest reads as UTF-8); save it again as UTF-8") from None
    return _strict(data, "cp1252", name)


_DETECTED = {"utf-8", "cp1252", "latin-1", "iso8859-1", "ascii", "utf-16", "utf-16-le", "utf-16-be"}
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters text does not hold (tabs and line breaks it does)


def _strict(data: bytes, encoding: str, name: str, why: str = "") -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        label = {"cp1252": "UTF-8, UTF-16 or Windows-1252/Latin-1"}.get(encoding, encoding)
        raise UserError(f"{name}: not {label} text{' ' + why if why else ''} (byte 0x{data[e.start]:02x} at "
                        f"{e.start} fits none); save it as UTF-8") from None


def _bomless_utf16(data: bytes, name: str) -> str:
    """UTF-16 without a byte-order mark shows as a NUL beside every ASCII character, always on the same side."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if len(data) % 2 == 0 and min(even, odd) == 0 and max(even, odd) * 2 >= len(data) // 2:
        text = _strict(data, "utf-16-be" if even else "utf-16-le", name)
        if not _CONTROL.search(text):
            return text
    raise UserError(f"{name}: binary file (NUL bytes), not a text article")


def _mostly_utf8(data: bytes) -> bool:
    """Whether most bytes above ASCII form UTF-8 sequences: a UTF-8 file with a few bad bytes, which read as
    Windows-1252 would turn every accent and curly quote into two or three wrong characters."""
    in_sequences = len(data) - len(_UTF8_SEQUENCE.sub(b"", data))
    return in_sequences * 2 > len(data) - len(data.translate(None, _HIGH_BYTES))


def _lines(text: str):
    start = 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n")
        yield start, start + len(content), content
        start += len(line)


def article_text(data: bytes, path: str) -> str:
    """The text a file's offsets count in: the decoded file, or for a web page the text it shows (``webpage``)."""
    text = decode(data, path, declared_charset(data))
    if not is_webpage(path, text):
        return text
    text = page_text(text)
    if not text.strip():
        raise UserError(f"{path}: a web page with no article text (only markup, scripts and page furniture)")
    return text


def read_article(data: bytes, path: str) -> Article:
    """An Article from a file's bytes; ``path`` names it in errors and in provenance."""
    text = article_text(data, path)
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


def read_bytes(file: Path, root: Path, max_size: int | None = None) -> tuple[str, bytes]:
    """``file``'s provenance path and its bytes. A file over ``max_size`` bytes is refused before it is read, as
    is anything but a regular file (a pipe would block); a folder here is one ``find_articles`` could not list."""
    rel = relative_path(file, root)
    try:
        status = file.stat()
        if stat.S_ISDIR(status.st_mode):
            os.scandir(file).close()  # raises why it could not be listed
            raise UserError(f"{rel}: a folder, not an article file")
        if not stat.S_ISREG(status.st_mode):
            raise UserError(f"{rel}: not a regular file (a pipe, socket or device)")
        if max_size is not None and status.st_size > max_size:
            raise UserError(f"{rel}: {status.st_size:,} bytes, over the size limit of {max_size:,} (--max-size)")
        with file.open("rb") as handle:
            data = handle.read() if max_size is None else handle.read(max_size + 1)
    except OSError as e:
        raise UserError(f"{rel}: {_os_reason(file, e)}") from None
    if max_size is not None and len(data) > max_size:
        raise UserError(f"{rel}: over the size limit of {max_size:,} bytes (--max-size); it grew while being read")
    return rel, data


def _os_reason(file: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "cannot read (a symbolic link loop)"
    if error.errno == errno.ENOENT and file.is_symlink():
        return f"cannot read (a symbolic link to {os.readlink(file)}, which does not exist)"
    if file.is_dir():
        return f"cannot list the folder ({error.strerror or error})"
    return f"cannot read ({error.strerror or error})"


MAX_SIZE = 10_000_000  # bytes; a news article is a few kB, a file this large is not one
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9,
          "kib": 2**10, "mib": 2**20, "gib": 2**30}


def parse_size(text: str) -> int:
    """Bytes in a size as people write it: ``5000000``, ``200kB``, ``5MB``, ``1.5 MiB``; ValueError otherwise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m or m[2].lower() not in _UNITS:
        raise ValueError(f"{text!r} is not a size (use bytes, or e.g. 200kB, 5MB, 1GB, 2MiB)")
    return int(float(m[1]) * _UNITS[m[2].lower()])


def read_file(file: Path, root: Path) -> Article:
    """Read ``file``; its provenance path is taken relative to ``root``."""
    rel, data = read_bytes(file, root)
    return read_article(data, rel)
