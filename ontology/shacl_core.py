"""The SHACL Core constraints ``ontology/shapes.ttl`` uses, read once from that file and checked in Python.

pySHACL takes 40–100 ms for one document graph, more than extracting the document; ingest checks every
document, so it runs this evaluator (about a millisecond a document) instead, and the tests hold it to
pySHACL's verdicts (``validation.violations(..., engine="pyshacl")``). The shapes stay the one source of truth:
a constraint component the file uses and this module does not know is an error when the shapes are read, not a
constraint silently skipped.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterable

import pyoxigraph as ox

from .terms import RDF, RDFS, SH, XSD, shapes_turtle

# the lexical forms pySHACL (through rdflib) accepts for the datatypes the shapes name
_LEXICAL = {XSD.string.value: re.compile(r"(?s).*"), XSD.boolean.value: re.compile(r"true|false|1|0"),
            XSD.integer.value: re.compile(r"[+-]?\d+"),
            XSD.date.value: re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d\d:\d\d)?"),
            XSD.gYearMonth.value: re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?"),
            XSD.gYear.value: re.compile(r"-?\d{4,}(Z|[+-]\d\d:\d\d)?")}
_INTEGERS = {SH.minCount: "min_count", SH.maxCount: "max_count", SH.minLength: "min_length",
             SH.qualifiedMinCount: "qualified_min", SH.qualifiedMaxCount: "qualified_max"}
_IGNORED = {RDFS.comment, RDFS.label}
_TYPE, _TARGET_CLASS = RDF.type, SH.targetClass


@dataclass(frozen=True)
class Violation:
    focus: ox.Term
    path: ox.NamedNode | None
    message: str
    value: ox.Term | None


@dataclass
class Shape:
    """A node shape or a property shape (one with a ``path``), as the constraint values it carries."""
    node: ox.Term
    path: ox.NamedNode | None = None
    message: str = "does not conform"
    properties: list[Shape] = field(default_factory=list)
    targets: list[tuple[ox.NamedNode, ox.NamedNode]] = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    datatype: re.Pattern | None = None  # the lexical form, for a literal of ``datatype_iri``
    datatype_iri: ox.NamedNode | None = None
    cls: ox.NamedNode | None = None
    iri_only: bool = False
    allowed: list | None = None
    min_length: int | None = None
    pattern: re.Pattern | None = None
    min_inclusive: Decimal | None = None
    less_than: ox.NamedNode | None = None
    less_or_equal: ox.NamedNode | None = None
    nodes: list[Shape] = field(default_factory=list)
    any_of: list[Shape] | None = None
    qualified: Shape | None = None
    qualified_min: int | None = None
    qualified_max: int | None = None


class Graph:
    """One document's triples (a set: a triple stated twice counts once), indexed for the lookups constraints make."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]):  # quads of one graph read as its triples
        self.objects: dict[tuple, list] = defaultdict(list)
        self.instances: dict[ox.Term, set] = defaultdict(set)
        self.subjects: dict[ox.Term, set] = defaultdict(set)
        self.conforming: dict[tuple, bool] = {}
        for t in set(triples):
            s, p, o = t.subject, t.predicate, t.object
            self.objects[(s, p)].append(o)
            self.subjects[p].add(s)
            if p == _TYPE:
                self.instances[o].add(s)

    def values(self, focus, path) -> list:
        return self.objects.get((focus, path), ())


def _items(triples: dict, head) -> list:
    items = []
    while head != RDF.nil:
        items.append(triples[(head, RDF.first)][0])
        head = triples[(head, RDF.rest)][0]
    return items


@lru_cache(maxsize=1)
def shapes() -> tuple[Shape, ...]:
    """The shapes with targets, read from ``shapes.ttl``."""
    triples: dict[tuple, list] = defaultdict(list)
    for t in ox.parse(shapes_turtle(), format=ox.RdfFormat.TURTLE):
        triples[(t.subject, t.predicate)].append(t.object)
    built: dict[ox.Term, Shape] = {}

    def build(node) -> Shape:
        if node in built:
            return built[node]
        shape = built[node] = Shape(node)
        for (s, p), objects in triples.items():
            if s != node or p in (RDF.first, RDF.rest, RDF.type) or p in _IGNORED:
                continue
            o = objects[0]
            if p == SH.path:
                shape.path = o
            elif p == SH.message:
                shape.message = o.value
            elif p == SH.property:
                shape.properties += [build(x) for x in objects]
            elif p in (SH.targetClass, SH.targetSubjectsOf):
                shape.targets += [(p, x) for x in objects]
            elif p in _INTEGERS:
                setattr(shape, _INTEGERS[p], int(o.value))
            elif p == SH.datatype:
                shape.datatype_iri, shape.datatype = o, _LEXICAL[o.value]
            elif p == SH["class"]:
                shape.cls = o
            elif p == SH.nodeKind and o == SH.IRI:
                shape.iri_only = True
            elif p == SH["in"]:
                shape.allowed = _items(triples, o)
            elif p == SH.pattern:
                shape.pattern = re.compile(o.value)
            elif p == SH.minInclusive:
                shape.min_inclusive = Decimal(o.value)
            elif p == SH.lessThan:
                shape.less_than = o
            elif p == SH.lessThanOrEquals:
                shape.less_or_equal = o
            elif p == SH.node:
                shape.nodes = [build(x) for x in objects]
            elif p == SH["or"]:
                shape.any_of = [build(x) for x in _items(triples, o)]
            elif p == SH.qualifiedValueShape:
                shape.qualified = build(o)
            else:
                raise ValueError(f"shapes.ttl: {p.value} on {node} is not a constraint this evaluator checks")
        return shape

    nodes = {s for (s, p) in triples if p in (SH.targetClass, SH.targetSubjectsOf)}
    return tuple(build(n) for n in sorted(nodes, key=str))


def _number(term) -> Decimal | None:
    try:
        return Decimal(term.value) if isinstance(term, ox.Literal) else None
    except InvalidOperation:
        return None


def _value_faults(shape: Shape, value, graph: Graph) -> bool:
    """Whether ``value`` breaks a constraint of ``shape`` that looks at one value at a time."""
    literal = isinstance(value, ox.Literal)
    if shape.datatype and not (literal and value.datatype == shape.datatype_iri and shape.datatype.fullmatch(value.value)):
        return True
    if shape.cls is not None and value not in graph.instances.get(shape.cls, ()):
        return True
    if shape.iri_only and not isinstance(value, ox.NamedNode):
        return True
    if shape.allowed is not None and value not in shape.allowed:
        return True
    if shape.min_length is not None and (isinstance(value, ox.BlankNode) or len(value.value) < shape.min_length):
        return True
    if shape.pattern and (isinstance(value, ox.BlankNode) or not shape.pattern.search(value.value)):
        return True
    if shape.min_inclusive is not None and not (_number(value) is not None and _number(value) >= shape.min_inclusive):
        return True
    if any(not conforms(value, node, graph) for node in shape.nodes):
        return True
    return shape.any_of is not None and not any(conforms(value, member, graph) for member in shape.any_of)


def conforms(focus, shape: Shape, graph: Graph) -> bool:
    """Whether ``focus`` meets ``shape`` (for sh:node, sh:or and qualified value shapes); remembered per graph,
    as the same entity is checked against the same shape for every claim that names it."""
    key = (focus, id(shape))
    if key not in graph.conforming:
        graph.conforming[key] = not _value_faults(shape, focus, graph) and not any(
            _property_violations(focus, p, graph) for p in shape.properties)
    return graph.conforming[key]


def _property_violations(focus, shape: Shape, graph: Graph) -> list[Violation]:
    values = graph.values(focus, shape.path)
    fault = lambda value=None: Violation(focus, shape.path, shape.message, value)
    found = []
    if (shape.min_count is not None and len(values) < shape.min_count
            or shape.max_count is not None and len(values) > shape.max_count):
        found.append(fault())
    found += [fault(v) for v in values if _value_faults(shape, v, graph)]
    for other, below in ((shape.less_than, lambda a, b: a < b), (shape.less_or_equal, lambda a, b: a <= b)):
        if other is not None:
            found += [fault(v) for v in values for w in graph.values(focus, other)
                      if not (_number(v) is not None and _number(w) is not None and below(_number(v), _number(w)))
                      and not (_comparable(v, w) and below(v.value, w.value))]
    if shape.qualified is not None:
        count = sum(conforms(v, shape.qualified, graph) for v in values)
        if (shape.qualified_min is not None and count < shape.qualified_min
                or shape.qualified_max is not None and count > shape.qualified_max):
            found.append(fault())
    return found


def _comparable(a, b) -> bool:
    """Two literals of one date datatype compare as their lexical forms (same length, same precision)."""
    return (isinstance(a, ox.Literal) and isinstance(b, ox.Literal) and a.datatype == b.datatype
            and a.datatype.value in (XSD.date.value, XSD.gYearMonth.value, XSD.gYear.value))


def check(triples: Iterable[ox.Triple | ox.Quad]) -> list[Violation]:
    """Every violation of the targeted shapes in one document graph's triples."""
    graph = Graph(triples)
    found = []
    for shape in shapes():
        focus = set()
        for kind, target in shape.targets:
            focus |= graph.instances.get(target, set()) if kind == _TARGET_CLASS else graph.subjects.get(target, set())
        for node in focus:  # in no particular order: callers sort what they report
            found += [Violation(node, None, shape.message, node)] if _value_faults(shape, node, graph) else []
            for prop in shape.properties:
                found += _property_violations(node, prop, graph)
    return found
