"""What the pictures show, read from the store by SPARQL files and grouped as canned answers are grouped.

The network's relations come from ``pictures/network.rq`` and are grouped by ``runner.group``, so a relation is
exactly the answer a canned query gives for it: the aligned relations toward a state are the rows of
'aligned-with' for that state, with the same earliest date, hedging and source count. The timeline's events are
the rows of the canned 'timeline' query, grouped per kind of event as well. Nothing here needs graphviz
(drawing is ``queries.draw``), so what a picture shows is tested apart from how it is drawn.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from ingest import gazetteer
from ingest.dates import parse_date
from ingest.errors import UserError, quoted
from ingest.store import GraphStore, Rows
from ontology.terms import AK

from . import catalog, runner

NO_TARGET = AK.Neutral.value  # network.rq's stand-in target of a stance toward no one
UNDIRECTED = {"treaty"}  # network kinds that hold both ways by definition (parties to one treaty)
SYMMETRIC_TYPES = {"treaty_signed", "treaty_in_force", "meeting", "summit"}  # events whose sides play one part


@dataclass(frozen=True)
class Relation:
    """One relation of one kind from ``a_id`` to ``b_id`` (None: a stance toward no one), with its support
    summed up as in a canned answer."""

    kind: str
    a_id: str
    b_id: str | None
    date: str | None
    date_basis: str | None
    hedged: bool
    sources: int
    evidence: list[dict]


@dataclass(frozen=True)
class Line:
    """What the network draws between two nodes for one kind: its relations both ways, their support merged
    (earliest date, hedged only if every sentence is, distinct sources of both)."""

    kind: str
    a_id: str
    b_id: str
    forward: bool  # a -> b is supported
    backward: bool  # b -> a is supported
    date: str | None
    date_basis: str | None
    hedged: bool
    sources: int
    evidence: list[dict]


@dataclass
class Network:
    relations: list[Relation]
    lines: list[Line]
    labels: dict[str, str]  # node IRI -> label
    kinds: dict[str, str]  # node IRI -> state, organization, person or other
    articles: int  # distinct source documents behind what is shown
    scope: list[str]  # the filters applied, in words, for the title

    def neutral(self) -> list[Relation]:
        """Neutrality declared toward no one: drawn on the node, there being no one to draw a line to."""
        return [r for r in self.relations if r.b_id is None]


@dataclass(frozen=True)
class Event:
    """One kind of event between the two sides, one way, on one stated date (or undated), as a timeline answer."""

    kind: str  # the claim type: treaty_signed, meeting, deployment, ...
    subject: str
    subject_id: str
    object: str
    object_id: str
    when: str | None  # the date the sentences state
    date: str | None  # the earliest date of its support (stated, else reported, else not-before)
    date_basis: str | None
    hedged: bool
    sources: int
    evidence: list[dict]
    by_a: bool  # A's side acts (for a treaty or a meeting: A's side is named first)


@dataclass
class Timeline:
    a: str
    b: str
    events: list[Event]
    articles: int


def picture_query(name: str) -> catalog.SparqlFile:
    """A query of ``queries/pictures``, read like the canned ones (header, parameters, prefixes)."""
    return catalog.parse(name, resources.files("queries").joinpath("pictures", f"{name}.rq").read_text("utf-8"))


def entity(option: str, value: str) -> tuple[str, str]:
    """The IRI and label of the entity a user names (name, alias, code, QID or IRI), as the canned queries
    resolve it; the error names the option it was given with."""
    try:
        node = runner.resolve_entity(value)
    except ValueError as e:
        raise UserError(f"{option}: not a valid IRI ({e})") from None
    if node is None:
        raise UserError(f"{option} {quoted(value)}: no state, person or organization of that name in the reference data")
    known = gazetteer.load().entities.get(node.value)
    return node.value, known.label if known else node.value


def _checked_date(option: str, value: str | None) -> str:
    if not value:
        return ""
    try:
        parse_date(value)
    except ValueError as e:
        raise UserError(f"{option}: {e}") from None
    return value


def network(store: GraphStore, after: str | None = None, before: str | None = None, focus: str | None = None,
            hedged: bool = True) -> Network:
    """The stance network: relations within the dates (the canned queries' 'after' and 'before'), without hedged
    sentences unless ``hedged``, and around ``focus`` if given (it, its neighbours and the relations among them)."""
    focus_iri, focus_label = entity("--focus", focus) if focus else (None, None)
    query = picture_query("network")
    raw = {"after": _checked_date("--after", after), "before": _checked_date("--before", before)}
    found = store.select(runner.bound_text(query, runner.bind_params(query, raw)))
    rows = [r for r in found.rows if hedged or not _value(r, "hedged")]
    if focus_iri:
        around = {focus_iri} | {_value(r, "b_id") for r in rows if _value(r, "a_id") == focus_iri} \
            | {_value(r, "a_id") for r in rows if _value(r, "b_id") == focus_iri}
        rows = [r for r in rows if _value(r, "a_id") in around and _value(r, "b_id") in around | {NO_TARGET}]
    labels = {_value(r, f"{end}_id"): _value(r, end) for r in rows for end in "ab"
              if _value(r, f"{end}_id") != NO_TARGET}
    entities = gazetteer.load().entities
    scope = [f"around {focus_label}" if focus_iri else "", f"support after {after}" if after else "",
             f"support before {before}" if before else "", "hedged claims left out" if not hedged else ""]
    return Network(_relations(Rows(found.columns, rows)), _lines(Rows(found.columns, rows)), labels,
                   {n: entities[n].kind if n in entities else "other" for n in labels},
                   len({_value(r, "source") for r in rows}), [s for s in scope if s])


def _value(row: dict, column: str):
    return runner.python_value(row.get(column))


def _relations(rows: Rows) -> list[Relation]:
    _, answers = runner.group(rows)
    return [Relation(a["kind"], a["a_id"], None if a["b_id"] == NO_TARGET else a["b_id"], a["date"], a["date_basis"],
                     a["hedged"], a["sources"], a["evidence"]) for a in answers]


def _lines(rows: Rows) -> list[Line]:
    """Both directions of a kind between two nodes grouped as one answer: each row keyed by its pair of nodes in
    a fixed order (labels left out of the key), the directions it was found in noted aside."""
    ways: dict[tuple, set[bool]] = {}
    paired = []
    for row in rows.rows:
        if _value(row, "b_id") == NO_TARGET:
            continue
        low, high = sorted((row["a_id"], row["b_id"]), key=lambda term: term.value)
        ways.setdefault((_value(row, "kind"), low.value, high.value), set()).add(row["a_id"] == low)
        paired.append({**row, "a_id": low, "b_id": high, "a": None, "b": None})
    _, answers = runner.group(Rows(rows.columns, paired))
    lines = []
    for a in answers:
        found = ways[a["kind"], a["a_id"], a["b_id"]]
        both = a["kind"] in UNDIRECTED
        lines.append(Line(a["kind"], a["a_id"], a["b_id"], both or True in found, both or False in found, a["date"],
                          a["date_basis"], a["hedged"], a["sources"], a["evidence"]))
    return lines


def timeline(store: GraphStore, a: str, b: str) -> Timeline:
    """The events between two states (or their leaders): the canned 'timeline' query's rows, grouped by kind of
    event too, so that a treaty and a deployment on one date are two events, each with its own sources. An event
    whose sides play the same part (a treaty, a meeting) is one event whichever side a sentence names first."""
    a_iri, a_label = entity("A", a)
    b_iri, b_label = entity("B", b)
    rows = runner.run_flat(store, "timeline", {"a": a_iri, "b": b_iri})
    keyed = []
    for row in rows.rows:
        row = {"kind" if c == "claim_type" else c: v for c, v in row.items()}
        if _value(row, "kind") in SYMMETRIC_TYPES and _b_side_first(row, a_iri, b_iri):
            row = {**row, "subject": row["object"], "subject_id": row["object_id"],
                   "object": row["subject"], "object_id": row["subject_id"]}
        keyed.append(row)
    _, answers = runner.group(Rows(["kind" if c == "claim_type" else c for c in rows.columns], keyed))
    sides = gazetteer.load()
    events = [Event(e["kind"], e["subject"], e["subject_id"], e["object"], e["object_id"], e["when"], e["date"],
                    e["date_basis"], e["hedged"], e["sources"], e["evidence"],
                    a_iri in (e["subject_id"], sides.state_of(e["subject_id"], None))) for e in answers]
    return Timeline(a_label, b_label, events, len({_value(r, "source") for r in rows.rows}))


def _b_side_first(row: dict, a_iri: str, b_iri: str) -> bool:
    """Whether a row names B's side first: B or one of its office holders (reference data), or A second."""
    sides = gazetteer.load()
    subject, other = (_value(row, c) for c in ("subject_id", "object_id"))
    return b_iri in (subject, sides.state_of(subject, None)) or a_iri in (other, sides.state_of(other, None))
