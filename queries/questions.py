"""Plain-language questions onto canned queries, by the forms in ``queries/questions.toml``."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ingest.errors import UserError

_DATES = r"(?:,? (?:after|since|from) (?P<after>.+?))?(?:,? (?:before|until|till) (?P<before>.+?))?"


@dataclass(frozen=True)
class Form:
    query: str
    example: str
    regex: re.Pattern
    params: dict[str, str]


class NotUnderstood(UserError):
    """A question no form matches; the message lists the forms that do work."""


@lru_cache(maxsize=1)
def forms() -> tuple[Form, ...]:
    raw = tomllib.loads(resources.files("queries").joinpath("questions.toml").read_text("utf-8"))
    result = []
    for entry in raw["form"]:
        pattern = entry["pattern"] + (_DATES if entry.get("dates") else "")
        result.append(Form(entry["query"], entry["example"], re.compile(pattern, re.IGNORECASE),
                           dict(entry.get("params", {}))))
    return tuple(result)


def _clean(value: str) -> str:
    return re.sub(r"^(?:the)\s+", "", value.strip(" ,'\""), flags=re.IGNORECASE)


def match(question: str) -> tuple[str, dict[str, str]]:
    """The canned query a question asks for and its parameters as text."""
    text = re.sub(r"\s+", " ", question).strip().rstrip("?!. ")
    for form in forms():
        m = form.regex.fullmatch(text)
        if m:
            params = dict(form.params)
            for name, value in m.groupdict().items():
                if value:
                    params[name] = _clean(value)
            return form.query, params
    examples = "\n".join(f"  {f.example:45} -> {f.query}" for f in forms())
    raise NotUnderstood(f"cannot understand the question {question!r}. Questions I understand:\n{examples}")
