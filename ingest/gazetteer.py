"""Reference entities (states, people, organizations) and the names that point at them.

The data lives in ``ingest/reference/*.csv``. Every surface form (name, alias, capital, metonym, demonym) names
one entity; mentions are found with one regular expression built as a prefix trie, so lookup cost does not grow
with the number of names.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

from ontology.terms import ID

from .dates import DateValue, parse_date
from .prefilter import trie_regex

# Mention kinds, as they appear in masked sentences: S a state by name, capital or metonym; A a demonym
# ("North Korean"); P a person; O an organization.
STATE, DEMONYM, PERSON, ORG = "S", "A", "P", "O"


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    kind: str  # "state" | "person" | "organization"
    qid: str | None = None
    code: str | None = None  # ISO 3166 alpha-3 for states, the slug otherwise
    subtype: str | None = None  # an organization's kind (military_alliance, ...)
    linked: bool = True  # False for an entity an article introduced that the reference data lacks
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class Office:
    person: str
    of: str
    title: str
    start: DateValue | None
    end: DateValue | None

    def held_on(self, day: date) -> bool:
        return (self.start is None or self.start.earliest <= day) and (self.end is None or day <= self.end.latest)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str
    iri: str


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _rows(name: str):
    text = resources.files("ingest").joinpath(f"reference/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _date(value: str) -> DateValue | None:
    return parse_date(value) if value.strip() else None


_SEPARATORS = {" ": r"[\s\-]+", "-": r"[\s\-]*", "'": "['’]", "’": "['’]"}


def _key(surface: str) -> str:
    """The lookup key of a matched surface: separators and apostrophes folded."""
    return re.sub(r"[\s\-]+", " ", surface.replace("’", "'")).strip()


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    surfaces: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> (kind, iri)
    offices: list[Office] = field(default_factory=list)
    _regex: re.Pattern | None = None
    _folded: dict[str, str] | None = None  # case-folded surface, code or QID -> IRI, for resolve()

    def add(self, entity: Entity, surfaces: dict[str, str]):
        self.entities[entity.iri] = entity
        for surface, kind in surfaces.items():
            self.surfaces.setdefault(_key(surface), (kind, entity.iri))
        self._regex = self._folded = None

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            self._regex = re.compile(rf"(?<![\w.])(?:{trie_regex(self.surfaces, _SEPARATORS)})(?!\w)")
        return self._regex

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Mentions of known entities in ``text[start:end]``."""
        found = []
        for m in self.regex.finditer(text, start, len(text) if end is None else end):
            hit = self.surfaces.get(_key(m[0]))
            if hit:
                found.append(Mention(m.start(), m.end(), hit[0], hit[1]))
        return found

    def resolve(self, name: str) -> Entity | None:
        """The entity a user means by a name, alias, code, QID or IRI (case-insensitive)."""
        name = name.strip()
        if name in self.entities:
            return self.entities[name]
        if self._folded is None:
            self._folded = {}
            for entity in self.entities.values():
                for code in (entity.code, entity.qid):
                    if code:
                        self._folded.setdefault(code.casefold(), entity.iri)
            for key, (_, iri) in self.surfaces.items():  # names win over codes that read the same
                self._folded[key.casefold()] = iri
        iri = self._folded.get(_key(name).casefold().removeprefix("the "))
        return self.entities[iri] if iri else None

    def office_holder(self, state: str, office: str, on: date | None, key) -> str | None:
        """Who held ``office`` (compared by ``key``) of ``state`` on a day, or holds it now without a day."""
        for o in self.offices:
            if o.of == state and key(o.title) == office and (o.held_on(on) if on else o.end is None):
                return o.person
        return None

    def state_of(self, person: str, on: date | None) -> str | None:
        """The state whose office ``person`` holds on a day (or, without a day, held most recently)."""
        held = [o for o in self.offices if o.person == person and o.of in self.entities
                and self.entities[o.of].kind == "state"]
        if on is not None:
            current = [o for o in held if o.held_on(on)]
            held = current or held
        if not held:
            return None
        return max(held, key=lambda o: o.start.earliest if o.start else date.min).of


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    """The packaged reference data as one gazetteer."""
    gaz = Gazetteer()
    for row in _rows("states.csv"):
        surfaces = {s: STATE for s in [row["name"], *_split(row["aliases"]), *_split(row["capital"]),
                                       *_split(row["metonyms"])]}
        surfaces.update({s: DEMONYM for s in _split(row["demonyms"])})
        gaz.add(Entity(ID.state(row["iso3"]).value, row["name"], "state", row["qid"] or None, row["iso3"]), surfaces)
    for row in _rows("organizations.csv"):
        surfaces = {s: ORG for s in [row["name"], *_split(row["aliases"])]}
        members = tuple(ID.state(c).value for c in _split(row["members"]))
        gaz.add(Entity(ID.org(row["slug"]).value, row["name"], "organization", row["qid"] or None, row["slug"],
                       row["kind"], members=members), surfaces)
    for row in _rows("people.csv"):
        surfaces = {s: PERSON for s in [row["name"], *_split(row["aliases"])]}
        gaz.add(Entity(ID.person(row["slug"]).value, row["name"], "person", row["qid"] or None, row["slug"]), surfaces)
    for row in _rows("offices.csv"):
        of = ID.state(row["of"]) if len(row["of"]) == 3 and row["of"].isupper() else ID.org(row["of"])
        gaz.offices.append(Office(ID.person(row["person"]).value, of.value, row["office"],
                                  _date(row["start"]), _date(row["end"])))
    return gaz
