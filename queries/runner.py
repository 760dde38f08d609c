"""Running canned queries: parameters checked and bound as RDF terms, rows grouped into answers with evidence.

Binding: the runner puts one ``VALUES`` row holding each parameter as an RDF term serialised by pyoxigraph (IRIs
validated, literals escaped) or ``UNDEF`` at the head of the query's outer ``WHERE`` group, or instead in place of
each line of the query that reads ``# PARAMETERS`` (a query marks so the groups and subqueries that should see the
parameters: there the engine plans with them, and a filter on them applies as early as the group allows). The
text a user typed is never spliced into the query, and the same bound query runs unchanged on any SPARQL 1.1
store.

Paging: ``run`` can return a page of the answers (``limit`` of them from the ``offset``-th on). A canned query
with a page reader (``catalog.pages``) lists its answers in order without their evidence first; the canned query
then reads the evidence of the page's answers alone, their values given as RDF terms (serialised by pyoxigraph,
as parameters are) where its ``# PAGE VALUES`` or ``# PAGE FILTER`` lines say, or in place of its lines from
``# PAGE BEGIN`` to ``# PAGE END`` (a search the page reader has already made). The claims (``CLAIMS``), one
answer each and listed by source path first, are read by document: a count of each document's claims
(``claim-documents.rq``) tells which documents a page falls in, and those alone are read. Any other query is run
whole and cut. Either way the pages of a query put together are its whole answer.

Grouping: a query returns one row per piece of evidence. Columns named in ``EVIDENCE_COLUMNS`` describe that
evidence; all other columns identify the answer (with those of the query's ``# group:`` line). Rows with the same
answer merge into one answer that lists all its evidence, counts its distinct sources, and takes the earliest
stated date (else the earliest publication date, else the earliest lower bound) as its date.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from ingest import gazetteer
from ingest.dates import parse_date
from ingest.errors import UserError, quoted
from ingest.store import GraphStore, Rows, Store, chunked
from ontology.terms import AK, INFERRED_GRAPH, NO_GRAPH, XSD

from .catalog import PAGE_BLOCK, WHERE, PageKeys, SparqlFile, canned, claim_documents, pages
from .catalog import stats as stats_query

EVIDENCE_COLUMNS = ("date", "basis", "hedged", "claim_type", "derived_by", "rule", "claim", "source", "start",
                    "end", "quote")
PAGE_SIZE = 20  # answers the command line shows at a time unless told otherwise
CLAIMS = "claims"  # the canned query behind 'alliance-kg claims'
EXPORT_DOCUMENTS = 20  # documents one query of the claims reads: pyoxigraph 0.5 starts from up to about 40 VALUES
# rows, at the speed of the whole query; from about 50 on it joins them by hash, 2-4x slower (measured)
_BASIS_ORDER = {"stated": 0, "reported": 1, "not-before": 2}
_STANCES = {"aligned": AK.Aligned, "opposed": AK.Opposed, "neutral": AK.Neutral}
_YES_NO = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}
_MARK = re.compile(r"^([ \t]*)# PARAMETERS[ \t]*$", re.MULTILINE)
_PAGE = re.compile(r"^([ \t]*)# PAGE (VALUES|FILTER)[ \t]*$", re.MULTILINE)


@dataclass
class Answer:
    query: str
    params: dict[str, str]
    columns: list[str]  # the answer columns, then date, date_basis, hedged, sources
    rows: list[dict]
    offset: int = 0  # of the first of ``rows`` among all the answers
    total: int = 0  # answers in all


def get_query(name: str) -> SparqlFile:
    queries = canned()
    if name not in queries:
        raise UserError(f"unknown query {name!r}; run 'alliance-kg queries' to list them ({', '.join(queries)})")
    return queries[name]


def resolve_entity(value: str) -> ox.NamedNode | None:
    """The entity a user names: from the reference data (name, alias, code or QID), else an IRI as given; None
    when it is neither. ValueError for an IRI that is not a valid one."""
    entity = gazetteer.load().resolve(value)
    if entity is not None:
        return ox.NamedNode(entity.iri)
    return ox.NamedNode(value) if re.match(r"https?://", value) else None


def _term(query: SparqlFile, name: str, value: str) -> ox.NamedNode | ox.Literal:
    param = query.param(name)
    if param.kind == "entity":
        try:
            node = resolve_entity(value)
        except ValueError as e:
            raise UserError(f"--param {name}: not a valid IRI ({e})") from None
        if node is None:
            raise UserError(f"--param {name}={quoted(value)}: no state, person or organization of that name in the "
                            "reference data")
        return node
    if param.kind in ("date-after", "date-before"):
        try:
            period = parse_date(value)
        except ValueError as e:
            raise UserError(f"--param {name}: {e}") from None
        day = period.latest if param.kind == "date-after" else period.earliest
        return ox.Literal(day.isoformat(), datatype=XSD.date)
    if param.kind == "stance":
        if value.lower() not in _STANCES:
            raise UserError(f"--param {name}={quoted(value)}: use one of {', '.join(_STANCES)}")
        return _STANCES[value.lower()]
    if param.kind == "inferred":
        if value.lower() not in _YES_NO:
            raise UserError(f"--param {name}={quoted(value)}: use yes or no")
        return INFERRED_GRAPH if _YES_NO[value.lower()] else NO_GRAPH
    return ox.Literal(value)


def bind_params(query: SparqlFile, raw: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal | None]:
    """Check ``raw`` against the query's declared parameters and turn each value into an RDF term."""
    declared = {p.name for p in query.params}
    for name in raw:
        if name not in declared:
            listed = ", ".join(sorted(declared)) or "none"
            raise UserError(f"--param {name}: query {query.name!r} has no such parameter (its parameters: {listed})")
    for p in query.params:
        if p.required and not raw.get(p.name):
            raise UserError(f"--param {p.name}: required by query {query.name!r} ({p.help})")
    return {p.name: _term(query, p.name, raw[p.name]) if raw.get(p.name) else
            _term(query, p.name, "no") if p.kind == "inferred" else None for p in query.params}


def bound_text(query: SparqlFile, terms: dict[str, object], *more: dict[str, object]) -> str:
    """The query text with its parameters bound in a VALUES row (and a row more for each of ``more``, which name
    the same parameters: the query then answers for each row): in place of each ``# PARAMETERS`` line, or else
    at the head of the outer WHERE group."""
    if not terms:
        return query.text
    return values_text(query, list(terms), [terms, *more])


def values_text(query: SparqlFile, names: list[str], rows: list[dict[str, object]]) -> str:
    """The query text with a VALUES block of ``rows`` (RDF terms, or None for UNDEF) for the variables ``names``,
    placed as ``bound_text`` places it; no rows: no solutions."""
    listed = " ".join("(" + " ".join("UNDEF" if r[n] is None else str(r[n]) for n in names) + ")" for r in rows)
    values = f"VALUES ({' '.join(f'?{n}' for n in names)}) {{ {listed} }}"
    if _MARK.search(query.text):
        return _MARK.sub(lambda m: m[1] + values, query.text)
    m = WHERE.search(query.text)
    return f"{query.text[:m.end()]}\n  {values}{query.text[m.end():]}"


def python_value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype == XSD.integer:
            return int(term.value)
        if term.datatype == XSD.boolean:
            return term.value == "true"
    return term.value


def group(rows: Rows, by: tuple[str, ...] = ()) -> tuple[list[str], list[dict]]:
    """Merge evidence rows into answers (see the module docstring); ``by``: the query's ``# group:`` columns."""
    keys = [c for c in rows.columns if c not in EVIDENCE_COLUMNS]
    described = [c for c in EVIDENCE_COLUMNS if c in rows.columns]
    answers: dict[tuple, dict] = {}
    seen: set[tuple] = set()
    for row in rows.rows:  # each value converted once: a large answer has tens of thousands of rows
        key = tuple(python_value(row[c]) for c in keys)
        told = key + tuple(row[c] for c in by)  # what tells this answer from the others
        answer = answers.get(told)
        if answer is None:
            answer = answers[told] = {**dict(zip(keys, key)), "evidence": []}
        if row.get("source") is not None:
            evidence = {c: python_value(row[c]) for c in described}
            identity = (key, *evidence.values())
            if identity not in seen:
                seen.add(identity)
                answer["evidence"].append(evidence)
    for answer in answers.values():
        dated = sorted((_BASIS_ORDER[e["basis"]], e["date"]) for e in answer["evidence"] if e.get("basis") in _BASIS_ORDER)
        answer["date"] = dated[0][1] if dated else None
        answer["date_basis"] = next((b for b, o in _BASIS_ORDER.items() if dated and o == dated[0][0]), None)
        answer["hedged"] = bool(answer["evidence"]) and all(e.get("hedged") for e in answer["evidence"])
        answer["sources"] = len({e["source"] for e in answer["evidence"]})
        answer["evidence"].sort(key=lambda e: (bool(e.get("hedged")), _BASIS_ORDER.get(e.get("basis"), 3),
                                               e.get("date") or "", e["source"], e["start"], e.get("claim") or "",
                                               e.get("derived_by") or ""))
        answer["evidence"] = [{"source": e["source"], "start": e["start"], "end": e["end"], "quote": e["quote"],
                               **{c: e[c] for c in ("date", "basis", "hedged", "claim_type", "derived_by", "rule", "claim")
                                  if c in e}} for e in answer["evidence"]]
    return keys + ["date", "date_basis", "hedged", "sources"], list(answers.values())


def run(store: Store, name: str, raw: dict[str, str], offset: int = 0, limit: int | None = None) -> Answer:
    """Run canned query ``name`` with user parameters ``raw`` and return its grouped answers: ``limit`` of them
    (None: all) from the ``offset``-th on, in the query's order."""
    query = get_query(name)
    terms = bind_params(query, raw)
    shown = {k: v for k, v in raw.items() if v}
    reader = pages().get(name)
    if name == CLAIMS and limit is not None and terms["file"] is None:
        return _claims_page(store, query, terms, shown, offset, limit)
    if limit is None or reader is None:
        columns, answers = group(_select(store, query, terms), query.group_by)
        end = None if limit is None else offset + limit
        return Answer(name, shown, columns, answers[offset:end], offset, len(answers))
    listed = [(_values(row, reader.answer), tuple(row[c] for c in reader.binds))
              for row in store.select(bound_text(reader.query, terms)).rows]
    order = list(dict.fromkeys(key for key, _ in listed))  # each answer once, in order
    page = order[offset:offset + limit]
    on_page = set(page)
    values = list(dict.fromkeys(value for key, value in listed if key in on_page))
    columns, answers = group(_select(store, query, terms, (reader, values)), query.group_by)
    found = {tuple(a[c] for c in reader.answer): a for a in answers}
    return Answer(name, shown, columns, [found[k] for k in page if k in found], offset, len(order))


def _claims_page(store: Store, query: SparqlFile, terms: dict, shown: dict, offset: int, limit: int) -> Answer:
    """A page of the claims, read from the documents it falls in alone (see the module docstring)."""
    total, first, paths = 0, 0, []  # first: the answer the first document read starts with
    for path, count in _claim_documents(store, terms["kind"]):  # its claims are answers total .. total + count - 1
        if total + count > offset and total < offset + limit:
            if not paths:
                first = total
            paths.append(path)
        total += count
    chunks = [rows for _, rows in _claim_rows(store, query, terms, paths)]
    columns, answers = group(Rows(chunks[0].columns, [row for rows in chunks for row in rows.rows]), query.group_by)
    return Answer(CLAIMS, shown, columns, answers[offset - first:offset - first + limit], offset, total)


def _values(row: dict, columns: tuple[str, ...]) -> tuple:
    return tuple(python_value(row.get(c)) for c in columns)


def paged_text(text: str, reader: PageKeys, values: list[tuple]) -> str:
    """``text`` keeping the rows whose variables ``reader.binds`` have one of the page's ``values`` (a tuple of RDF
    terms each), as each of its page lines asks: ``# PAGE VALUES`` becomes a ``VALUES`` block, which the engine
    starts from; ``# PAGE FILTER`` a filter (of one variable), which it applies as soon as the variable is bound (a
    query that must start from its parameters would join a ``VALUES`` block only after reading every row); and
    the lines from ``# PAGE BEGIN`` to ``# PAGE END`` are replaced by the ``VALUES`` block."""
    rows = " ".join("(" + " ".join(str(v) for v in row) + ")" for row in values)
    block = f"VALUES ({' '.join(f'?{name}' for name in reader.binds)}) {{ {rows} }}"

    def line(m: re.Match) -> str:
        if m[2] == "VALUES":
            return m[1] + block
        if len(reader.binds) != 1:
            raise ValueError(f"{reader.query.name}: '# PAGE FILTER' filters one variable, not {reader.binds}")
        return m[1] + f"FILTER(?{reader.binds[0]} IN ({', '.join(str(row[0]) for row in values)}))"

    return _PAGE.sub(line, PAGE_BLOCK.sub(lambda m: m[1] + block, text))


def _select(store: Store, query: SparqlFile, terms: dict, page: tuple[PageKeys, list] | None = None) -> Rows:
    """The rows of ``query`` with ``terms`` bound (and a page's values, if given), parameter columns left out."""
    text = bound_text(query, terms)
    rows = store.select(text if page is None else paged_text(text, *page))
    return Rows([c for c in rows.columns if c not in terms], rows.rows)


def run_flat(store: Store, name: str, raw: dict[str, str]) -> Rows:
    """Run a canned query and return its rows as they come, one per row of the result."""
    query = get_query(name)
    return _select(store, query, bind_params(query, raw))


CLAIM_FIELDS = ("type", "subject", "object", "subject_id", "object_id", "date", "place", "quantity", "hedged",
                "certainty", "rule", "claim", "source", "start", "end", "quote")


def claims(store: GraphStore, kind: str | None = None, file: str | None = None,
           progress: Callable[[int, int], None] | None = None) -> Iterator[dict]:
    """Every claim as a record of the ``claims --format jsonl`` contract, in the query's order; ``date`` is the
    stated date only. Without a type or a source, the claims are read ``EXPORT_DOCUMENTS`` documents at a time, in
    the order of their source paths (the first key of the query's order), so memory stays flat however large the
    store: read whole, the engine alone held 3.3 GB for the 366,566 claims of 10M triples. A type is a fraction of
    the claims, read whole: in chunks, each query's fixed cost (3.2 ms to parse and plan) made a type's export
    twice as slow. ``progress`` is told (documents read, documents in all) after each chunk."""
    query = get_query(CLAIMS)
    terms = bind_params(query, {"kind": kind or "", "file": file or ""})
    if kind or file:
        yield from _claim_records(store.select(bound_text(query, terms)))
        return
    paths = [path for path, _ in _claim_documents(store, None)]
    read = 0
    for documents, rows in _claim_rows(store, query, terms, paths):
        read += documents
        if progress is not None and documents:
            progress(read, len(paths))
        yield from _claim_records(rows)


def _claim_documents(store: GraphStore, kind: ox.Literal | None) -> list[tuple[ox.Literal, int]]:
    """(source path, claims) of each document holding claims (of type ``kind``), in the claims query's order."""
    return [(row["file"], int(row["claims"].value))
            for row in store.select(bound_text(claim_documents(), {"kind": kind})).rows]


def _claim_rows(store: GraphStore, query: SparqlFile, terms: dict, paths: list) -> Iterator[tuple[int, Rows]]:
    """The claims query's rows for the documents at ``paths``, ``EXPORT_DOCUMENTS`` of them a query, each with how
    many documents it read (the query's file parameter bound to each path in a VALUES row); no paths: one query
    of none, for its columns."""
    for chunk in list(chunked(paths, EXPORT_DOCUMENTS)) or [[]]:
        yield len(chunk), store.select(values_text(query, list(terms), [{**terms, "file": path} for path in chunk]))


def _claim_records(rows: Rows) -> Iterator[dict]:
    for row in rows.rows:
        values = {c: python_value(v) for c, v in row.items()}
        if values.get("basis") != "stated":
            values["date"] = None
        yield {f: values.get(f) for f in CLAIM_FIELDS}


def stats(store: Store) -> list[dict]:
    """What the store holds, counted."""
    rows = store.select(stats_query().text)
    return sorted(({"what": r["what"].value, "count": int(r["count"].value)} for r in rows.rows),
                  key=lambda r: r["what"])
