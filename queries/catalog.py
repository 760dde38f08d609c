"""SPARQL files shipped with the package, with the header that says what each one is.

A file starts with comment lines ``# key: value``: ``title``, ``description``, and for canned queries one
``param`` line per parameter — ``# param: NAME KIND required|optional — what it means`` — where KIND is
``entity``, ``date-after``, ``date-before``, ``stance``, ``text`` or ``inferred`` (yes/no, bound as the graph
of inferences or a graph that does not exist, so a query adds inferred facts by matching in that graph). A parameter is a variable of the same name in the query,
bound as an RDF term, never pasted into the text. ``# group: COLUMN ...`` names columns that tell one answer from
another besides the answer columns themselves (``group: claim``: one answer per claim, claims with equal values not
merged).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from ontology.terms import PREFIXES, RDF, sparql_prologue

PARAM_KINDS = ("entity", "date-after", "date-before", "stance", "text", "inferred")
_HEADER = re.compile(r"#\s*(\w[\w-]*)\s*:\s*(.*)")
WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)  # the head of a query's outer WHERE group
# an IRI, a prefixed name, or the keyword ``a`` (rdf:type) as a word of its own, not inside a variable or a name
_NAMED = re.compile(r"<([^<>\s]*)>|(?<![\w?$])([A-Za-z][\w-]*):([\w-]+)|(?<![\w?$:])a(?![\w:])")
_PARAM = re.compile(r"(?P<name>\w+)\s+(?P<kind>[\w-]+)\s+(?P<need>required|optional)\s*(?:—|-)?\s*(?P<help>.*)")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    required: bool
    help: str


@dataclass(frozen=True)
class SparqlFile:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    example: str
    text: str  # the query with the project's PREFIX lines in front
    header: dict[str, list[str]] = field(default_factory=dict, compare=False)  # every "# key: value" line, by key

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def group_by(self) -> tuple[str, ...]:
        """The columns of its ``# group:`` line (see the module docstring)."""
        return tuple(self.header.get("group", [""])[0].split())


def parse(name: str, text: str) -> SparqlFile:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _HEADER.fullmatch(line.strip())
        if not line.startswith("#"):
            break
        if m:
            header.setdefault(m[1], []).append(m[2].strip())
    params = []
    for spec in header.get("param", []):
        m = _PARAM.fullmatch(spec)
        if not m or m["kind"] not in PARAM_KINDS:
            raise ValueError(f"{name}: bad param line {spec!r}")
        if not re.search(rf"\?{m['name']}\b", text):
            raise ValueError(f"{name}: param {m['name']} is not a variable of the query")
        params.append(Param(m["name"], m["kind"], m["need"] == "required", m["help"]))
    return SparqlFile(name, header.get("title", [name])[0], " ".join(header.get("description", [])),
                      tuple(params), header.get("example", [""])[0], sparql_prologue() + text, header)


def where_iris(query: SparqlFile) -> frozenset[str]:
    """The IRIs the WHERE clause of ``query`` names (prefixed names expanded, ``a`` read as rdf:type). A query
    whose patterns all name their predicate matches no quad whose predicate is not among them: derivation feeds
    the rules those quads alone (the rules are held to this by a test that parses them with rdflib)."""
    code = "\n".join(line for line in query.text.splitlines() if not line.lstrip().startswith("#"))
    where = WHERE.search(code)
    named = set()
    for m in _NAMED.finditer(code, where.start() if where else 0):
        if m[1] is not None:
            named.add(m[1])
        elif m[2] is not None and m[2] in PREFIXES:
            named.add(PREFIXES[m[2]] + m[3])
        elif m[2] is None:
            named.add(RDF.type.value)
    return frozenset(named)


def _load(folder: str) -> dict[str, SparqlFile]:
    root = resources.files("queries").joinpath(folder)
    files = sorted((f for f in root.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return {f.name[:-3]: parse(f.name[:-3], f.read_text("utf-8")) for f in files}


@dataclass(frozen=True)
class PageKeys:
    """How to read a canned query's answers a page at a time (``queries/pages/NAME.rq``): ``query`` lists its
    answers in order, with the values of the columns named in ``answer`` (those that tell one answer of the
    canned query from another) and of the variables ``binds``; the canned query keeps, where its ``# PAGE`` lines
    are, the rows whose ``binds`` have the values of one of the page's rows, so that it reads the evidence of those
    answers alone. It takes the canned query's parameters, declared there."""

    query: SparqlFile
    answer: tuple[str, ...]
    binds: tuple[str, ...]


# In a canned query, the lines a page reader reads for it (see PageKeys), which a page's rows then stand in for
PAGE_BLOCK = re.compile(r"^([ \t]*)# PAGE BEGIN[ \t]*\n(.*?)^[ \t]*# PAGE END[ \t]*$", re.MULTILINE | re.DOTALL)
_PAGE_SEARCH = re.compile(r"^[ \t]*# PAGE SEARCH[ \t]*$", re.MULTILINE)


@lru_cache(maxsize=1)
def pages() -> dict[str, PageKeys]:
    """The page readers of the canned queries that have one, by the canned query's name. A reader's
    ``# PAGE SEARCH`` line stands for its canned query's lines from ``# PAGE BEGIN`` to ``# PAGE END``, so the two
    search alike by construction."""
    readers = {}
    for name, query in _load("pages").items():
        if _PAGE_SEARCH.search(query.text):
            search = PAGE_BLOCK.search(canned()[name].text)[2]
            query = replace(query, text=_PAGE_SEARCH.sub(lambda m: search, query.text))
        answer, binds = (tuple(query.header[key][0].split()) for key in ("answer", "binds"))
        readers[name] = PageKeys(query, answer, binds)
    return readers


@lru_cache(maxsize=1)
def canned() -> dict[str, SparqlFile]:
    """The canned queries, by name."""
    return _load("canned")


def stats() -> SparqlFile:
    """The query behind 'alliance-kg stats'."""
    return parse("stats", resources.files("queries").joinpath("stats.rq").read_text("utf-8"))


def disagreements() -> SparqlFile:
    """The rule that draws the reports that disagree across the store's documents (CONSTRUCT)."""
    return parse("disagreements", resources.files("queries").joinpath("disagreements.rq").read_text("utf-8"))


def claim_documents() -> SparqlFile:
    """Each document holding claims, with how many, in the order the canned query 'claims' lists them."""
    return parse("claim-documents", resources.files("queries").joinpath("claim-documents.rq").read_text("utf-8"))


@lru_cache(maxsize=1)
def rules() -> dict[str, SparqlFile]:
    """The derivation rules (CONSTRUCT), by name."""
    return _load("rules")


@lru_cache(maxsize=1)
def reasoning() -> dict[str, SparqlFile]:
    """The queries behind 'alliance-kg check': the entity layer and the explanations of inconsistencies."""
    return _load("reasoning")
