"""Auditing a store: SHACL validation of every document graph, and HermiT over the entity layer.

``check`` gives HermiT (through owlready2) the ontology and the entity layer (queries/reasoning/entity-layer.rq:
entities, treaties, leaderships, memberships, deployments, stances; no provenance), with every state declared
different from every other and, for each actor others align with, a defined class of the states aligned with
it. An inconsistent layer is explained by queries/reasoning/inconsistencies.rq, which names the clashing facts
and the claims behind them. A consistent one has its inferences written to the ``akg:inferred`` graph: each
inferred triple, and an ``ak:Inference`` naming the axiom it follows from and the claims it came from.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ingest import gazetteer
from ingest.errors import UserError
from ingest.store import Store, fingerprint
from ontology.terms import AK, ID, INFERRED_GRAPH, OWL, PROV, RDF, RDFS, REFERENCE_GRAPH, ontology_turtle
from ontology.validation import Violation, violations

from .catalog import reasoning

_NO_CLAIM = REFERENCE_GRAPH  # the layer graph of facts that come from reference data


@dataclass
class Problem:
    entity: str
    problem: str
    claims: list[str]  # claim IRIs ("reference data" for facts without one)


@dataclass
class CheckReport:
    consistent: bool
    facts: int
    problems: list[Problem] = field(default_factory=list)
    inferred: int = 0


def validate(store: Store, engine: str = "core") -> list[tuple[str, Violation]]:
    """Every SHACL violation in the store's document graphs, as (source path, violation)."""
    found = []
    for graph in sorted(store.fingerprints(), key=lambda g: g.value):
        quads = list(store.graph_quads(graph))
        path = next((q.object.value for q in quads if q.subject == graph and q.predicate == AK.sourcePath), None)
        if path is None:
            continue  # the ontology and reference graphs are not documents
        found += [(path, v) for v in violations([ox.Triple(q.subject, q.predicate, q.object) for q in quads], engine)]
    return found


def entity_layer(store: Store) -> ox.Store:
    """The layer as an in-memory dataset: each fact in the graph named by its claim (reference facts apart)."""
    layer = ox.Store()
    layer.extend(ox.Quad(r["s"], r["p"], r["o"], r["claim"] or _NO_CLAIM)
                 for r in store.select(reasoning()["entity-layer"].text).rows)
    return layer


def _aligned_class(target: ox.NamedNode) -> ox.NamedNode:
    """akid:class/aligned-with/state/RUS: the states aligned with Russia."""
    local = target.value[len(ID.iri):] if target.value.startswith(ID.iri) else hashlib.sha256(target.value.encode()).hexdigest()[:12]
    return ox.NamedNode(f"{ID.iri}class/aligned-with/{local}")


@lru_cache(maxsize=1)
def _tbox() -> tuple[ox.Triple, ...]:
    return tuple(ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE))


def _rdf_list(items: list, triples: list[ox.Triple]) -> ox.BlankNode:
    """The head of an RDF list of ``items``, its triples appended to ``triples``."""
    head = node = ox.BlankNode()
    for n, item in enumerate(items):
        nxt = ox.BlankNode() if n < len(items) - 1 else RDF.nil
        triples += [ox.Triple(node, RDF.first, item), ox.Triple(node, RDF.rest, nxt)]
        node = nxt
    return head


def _all_states_different(layer: ox.Store) -> list[ox.Triple]:
    """HermiT makes no unique-name assumption: without this, one person leading two states merges them."""
    states = sorted({q.subject for q in layer.quads_for_pattern(None, RDF.type, AK.State)}, key=lambda s: s.value)
    if len(states) < 2:
        return []
    triples, different = [], ox.BlankNode()
    triples += [ox.Triple(different, RDF.type, OWL.AllDifferent),
                ox.Triple(different, OWL.distinctMembers, _rdf_list(states, triples))]
    return triples


def _label(entity: ox.NamedNode) -> str:
    known = gazetteer.load().entities.get(entity.value)
    return known.label if known else entity.value


def _aligned_classes(layer: ox.Store) -> list[ox.Triple]:
    """For each actor others align with, the defined class of the states aligned with it."""
    targets = sorted({q.object for q in layer.quads_for_pattern(None, AK.alignedWith, None)}, key=lambda s: s.value)
    triples = []
    for target in targets:
        cls, restriction, both = _aligned_class(target), ox.BlankNode(), ox.BlankNode()
        triples += [ox.Triple(cls, RDF.type, OWL.Class), ox.Triple(cls, RDFS.label, ox.Literal(f"aligned with {_label(target)}")),
                    ox.Triple(restriction, RDF.type, OWL.Restriction), ox.Triple(restriction, OWL.onProperty, AK.alignedWith),
                    ox.Triple(restriction, OWL.hasValue, target), ox.Triple(both, RDF.type, OWL.Class),
                    ox.Triple(both, OWL.intersectionOf, _rdf_list([AK.State, restriction], triples)),
                    ox.Triple(cls, OWL.equivalentClass, both)]
    return triples


def _reason(layer: ox.Store, axioms: list[ox.Triple]) -> list[tuple[str, str, str]] | None:
    """HermiT's new facts as IRI triples, or None when the layer is inconsistent."""
    import owlready2  # loaded only here: it takes a second

    if shutil.which("java") is None:
        raise UserError("check: HermiT needs a Java runtime and 'java' is not on PATH (Debian: apt-get install default-jre-headless)")
    facts = [ox.Triple(q.subject, q.predicate, q.object) for q in layer]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "layer.nt"
        source.write_bytes(ox.serialize([*_tbox(), *axioms, *facts], format=ox.RdfFormat.N_TRIPLES))
        world = owlready2.World()
        world.get_ontology(source.as_uri()).load()
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return None
        inferred = world.get_ontology("http://inferrences/")
        iri = lambda x: world._unabbreviate(x) if isinstance(x, int) else None
        return [(iri(s), iri(p), iri(o)) for s, p, o in inferred.get_triples() if iri(o)]


def _closure(layer: ox.Store, new: set[ox.Triple]) -> set[ox.Triple]:
    """What symmetric and inverse properties add, which owlready2 answers but does not store."""
    symmetric = {t.subject for t in _tbox() if t.predicate == RDF.type and t.object == OWL.SymmetricProperty}
    inverse = {t.subject: t.object for t in _tbox() if t.predicate == OWL.inverseOf}
    inverse.update({v: k for k, v in inverse.items()})
    facts = {ox.Triple(q.subject, q.predicate, q.object) for q in layer} | new
    added = set()
    for t in facts:
        if t.predicate in symmetric:
            added.add(ox.Triple(t.object, t.predicate, t.subject))
        if t.predicate in inverse and isinstance(t.object, ox.NamedNode):
            added.add(ox.Triple(t.object, inverse[t.predicate], t.subject))
    return added - facts


@lru_cache(maxsize=None)
def _entailing(prop: ox.NamedNode) -> frozenset[ox.NamedNode]:
    """The properties whose facts can entail a value of ``prop``: itself, its subproperties, its inverses and
    the links of its property chains, and theirs in turn."""
    links: dict[ox.NamedNode, set] = {}
    lists = {t.subject: t.object for t in _tbox() if t.predicate == RDF.first}
    rests = {t.subject: t.object for t in _tbox() if t.predicate == RDF.rest}
    for t in _tbox():
        if t.predicate in (RDFS.subPropertyOf, OWL.inverseOf):
            links.setdefault(t.object, set()).add(t.subject)
        if t.predicate == OWL.inverseOf:
            links.setdefault(t.subject, set()).add(t.object)
        if t.predicate == OWL.propertyChainAxiom:
            node = t.object
            while node in lists:
                links.setdefault(t.subject, set()).add(lists[node])
                node = rests[node]
    found, todo = set(), [prop]
    while todo:
        p = todo.pop()
        if p not in found:
            found.add(p)
            todo += links.get(p, ())
    return frozenset(found)


def _class_conditions(classes: list[ox.Triple]) -> dict[ox.NamedNode, list[tuple[ox.NamedNode, ox.Term | None]]]:
    """Per class, the (property, required value or None) pairs whose facts make an entity a member."""
    axioms = ox.Store()
    axioms.extend(ox.Quad(t.subject, t.predicate, t.object) for t in (*_tbox(), *classes))
    conditions: dict[ox.NamedNode, list] = {}
    for r in axioms.query(reasoning()["class-conditions"].text):
        conditions.setdefault(r["class"], []).append((r["property"], r["value"]))
    return conditions


def _support(layer: ox.Store, t: ox.Triple, conditions: dict) -> set[ox.NamedNode]:
    """The claims behind the layer facts an inference follows from. A class membership follows from the
    subject's facts that the class's conditions name; a property value from facts of the properties that entail
    it, joining subject and object directly or through a node both touch (the treaty of two parties)."""
    def touching(node, props) -> list[ox.Quad]:
        return [q for q in (*layer.quads_for_pattern(node, None, None), *layer.quads_for_pattern(None, None, node))
                if q.predicate in props]

    if t.predicate == RDF.type:
        quads = [q for prop, value in conditions.get(t.object, ()) for q in touching(t.subject, _entailing(prop))
                 if value is None or value in (q.subject, q.object)]
    else:
        ends = {t.subject, t.object}
        around = {end: touching(end, _entailing(t.predicate)) for end in ends}
        neighbours = [{n for q in quads for n in (q.subject, q.object)} - ends for quads in around.values()]
        shared = set.intersection(*neighbours) if len(neighbours) == 2 else set()
        quads = [q for quads in around.values() for q in quads if {q.subject, q.object} <= ends | shared]
    return {q.graph_name for q in quads if q.graph_name != _NO_CLAIM}


def _axiom(t: ox.Triple) -> ox.NamedNode:
    return t.object if t.predicate == RDF.type else t.predicate


def inferred_quads(layer: ox.Store, classes: list[ox.Triple], new: set[ox.Triple]) -> list[ox.Quad]:
    """The inferred graph: the defined classes inferences name, each inferred triple and its ak:Inference."""
    g = INFERRED_GRAPH
    quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in classes]
    conditions = _class_conditions(classes)
    for t in sorted(new, key=str):
        node = ox.NamedNode(f"{g.value}/{hashlib.sha256(str(t).encode()).hexdigest()[:16]}")
        quads += [ox.Quad(t.subject, t.predicate, t.object, g), ox.Quad(node, RDF.type, AK.Inference, g),
                  ox.Quad(node, RDF.subject, t.subject, g), ox.Quad(node, RDF.predicate, t.predicate, g),
                  ox.Quad(node, RDF.object, t.object, g), ox.Quad(node, AK.byAxiom, _axiom(t), g)]
        quads += [ox.Quad(node, PROV.wasDerivedFrom, claim, g) for claim in sorted(_support(layer, t, conditions), key=str)]
    quads.append(ox.Quad(g, AK.sha256, ox.Literal(fingerprint(*sorted(str(q) for q in quads))), g))
    return quads


def check(store: Store) -> CheckReport:
    """Run HermiT over the entity layer; on success, replace the inferred graph with what it found."""
    layer = entity_layer(store)
    classes = _aligned_classes(layer)
    found = _reason(layer, _all_states_different(layer) + classes)
    if found is None:
        rows = layer.query(reasoning()["inconsistencies"].text)
        problems: dict[tuple[str, str], Problem] = {}
        for r in rows:
            key = (r["entity"].value, r["problem"].value)
            problem = problems.setdefault(key, Problem(*key, []))
            claim = "reference data" if r["claim"] == _NO_CLAIM else r["claim"].value
            if claim not in problem.claims:
                problem.claims.append(claim)
        return CheckReport(False, len(layer), list(problems.values()) or
                           [Problem("the entity layer", "is inconsistent, and no known clash explains it", [])])
    trivial = {OWL.Thing, OWL.NamedIndividual}
    new = {ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in found
           if ox.NamedNode(o) not in trivial and not s.startswith("http://inferrences")}
    new = {t for t in new if t.predicate != RDFS.subClassOf and (t.predicate == RDF.type or t.subject != t.object)}
    new |= _closure(layer, new)
    store.replace_graph(INFERRED_GRAPH, inferred_quads(layer, classes, new))
    store.flush()
    return CheckReport(True, len(layer), inferred=len(new))
