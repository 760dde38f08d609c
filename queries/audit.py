"""Auditing a store: SHACL validation of every document graph, and HermiT over the entity layer.

``check`` gives HermiT (through owlready2) the ontology and the entity layer (queries/reasoning/entity-layer.rq:
entities, treaties, leaderships, memberships, deployments, stances; no provenance), with every state declared
different from every other and, for each actor others align with, a defined class of the states aligned with
it (given to HermiT without nominals, which would make it reason over the whole layer for every class). An
inconsistent layer is explained by queries/reasoning/inconsistencies.rq, which names the clashing facts
and the claims behind them. A consistent one has its inferences written to the ``akg:inferred`` graph: each
inferred triple, and an ``ak:Inference`` naming the axiom it follows from and the claims it came from.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox

from ingest import gazetteer
from ingest.errors import UserError
from ingest.store import Store
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
    """The layer as an in-memory dataset: each fact in the graph named by its claim (reference facts apart).
    Solutions go straight in: as row dicts first they would add 300 MB at 10k articles."""
    layer = ox.Store()
    layer.extend(ox.Quad(r["s"], r["p"], r["o"], r["claim"] or _NO_CLAIM)
                 for r in store.query(reasoning()["entity-layer"].text))
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


def _without_nominals(classes: list[ox.Triple]) -> list[ox.Triple]:
    """The aligned classes as HermiT gets them: ``alignedWith some {t}`` becomes ``alignedWith some T``, T a class
    asserted of t alone. With a nominal in the ontology HermiT puts the whole ABox into every class and property
    subsumption test (190 s rather than 15 s at 1M triples). Nothing else names T or the defined class, so the
    layer is consistent with both or neither, and the named members are the same: what must be in T is t and what
    equals t, as for {t}."""
    hermit = []
    for t in classes:
        if t.predicate == OWL.hasValue:
            only = _stand_in(t.object)
            hermit += [ox.Triple(t.subject, OWL.someValuesFrom, only), ox.Triple(only, RDF.type, OWL.Class),
                       ox.Triple(t.object, RDF.type, only)]
        else:
            hermit.append(t)
    return hermit


def _stand_in(target: ox.NamedNode) -> ox.NamedNode:
    """The class that stands for {target} in HermiT's input: akid:class/aligned-with/state/RUS#target."""
    return ox.NamedNode(_aligned_class(target).value + "#target")


def _reason(layer: ox.Store, axioms: list[ox.Triple]) -> list[tuple[str, str, str]] | None:
    """HermiT's new facts as IRI triples, or None when the layer is inconsistent."""
    import owlready2  # loaded only here: it takes a second

    if shutil.which("java") is None:
        raise UserError("check: HermiT needs a Java runtime and 'java' is not on PATH (Debian: apt-get install default-jre-headless)")
    # HermiT's heap in MB, not owlready2's 2,000: it needs about 200 at 10k articles (430k layer facts), and the
    # JVM takes what it is allowed
    owlready2.reasoning.JAVA_MEMORY = max(500, len(layer) // 1000)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "layer.nt"
        facts = {ox.Triple(q.subject, q.predicate, q.object) for q in layer}  # a fact many claims state goes once
        ox.serialize(chain(_tbox(), axioms, facts), source, format=ox.RdfFormat.N_TRIPLES)
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
    props = symmetric | set(inverse)
    facts = {ox.Triple(q.subject, q.predicate, q.object) for p in props for q in layer.quads_for_pattern(None, p, None)}
    facts |= {t for t in new if t.predicate in props}
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


def _supporter(layer: ox.Store, conditions: dict) -> Callable[[ox.Triple], set[ox.NamedNode]]:
    """``support(t)``: the claims behind the layer facts inference t follows from. A class membership follows from
    the subject's facts that the class's conditions name; a property value from facts of the properties that
    entail it, joining subject and object directly or through a node both touch (the treaty of two parties)."""
    @lru_cache(maxsize=None)  # a state is an end of thousands of inferences and touches thousands of facts
    def around(node: ox.NamedNode, props: frozenset) -> dict[ox.Term, set[ox.NamedNode]]:
        """The nodes the facts of ``props`` join to ``node``, each with the graphs (claims) of those facts."""
        joined: dict[ox.Term, set[ox.NamedNode]] = {}
        for p in props:
            for q in layer.quads_for_pattern(node, p, None):
                joined.setdefault(q.object, set()).add(q.graph_name)
            for q in layer.quads_for_pattern(None, p, node):
                joined.setdefault(q.subject, set()).add(q.graph_name)
        return joined

    def support(t: ox.Triple) -> set[ox.NamedNode]:
        if t.predicate == RDF.type:  # a required value is the fact's other end, or the subject itself
            graphs = {g for prop, value in conditions.get(t.object, ())
                      for other, gs in around(t.subject, _entailing(prop)).items() if value in (None, t.subject, other)
                      for g in gs}
        else:
            ends = {t.subject, t.object}
            joined = sorted((around(end, _entailing(t.predicate)) for end in ends), key=len)
            shared = {n for n in joined[0] if n in joined[-1]} - ends if len(joined) == 2 else set()
            graphs = {g for nodes in joined for other in ends | shared for g in nodes.get(other, ())}
        return graphs - {_NO_CLAIM}

    return support


def _axiom(t: ox.Triple) -> ox.NamedNode:
    return t.object if t.predicate == RDF.type else t.predicate


def _inference(t: ox.Triple, claims: set[ox.NamedNode]) -> list[ox.Quad]:
    """An inferred triple and its ak:Inference: the axiom it follows from and the claims behind it."""
    g = INFERRED_GRAPH
    node = ox.NamedNode(f"{g.value}/{hashlib.sha256(str(t).encode()).hexdigest()[:16]}")
    return [ox.Quad(t.subject, t.predicate, t.object, g), ox.Quad(node, RDF.type, AK.Inference, g),
            ox.Quad(node, RDF.subject, t.subject, g), ox.Quad(node, RDF.predicate, t.predicate, g),
            ox.Quad(node, RDF.object, t.object, g), ox.Quad(node, AK.byAxiom, _axiom(t), g),
            *(ox.Quad(node, PROV.wasDerivedFrom, claim, g) for claim in sorted(claims, key=str))]


def inferred_quads(layer: ox.Store, classes: list[ox.Triple], new: set[ox.Triple]) -> Iterator[ox.Quad]:
    """The inferred graph: the defined classes inferences name, each inference, and last the fingerprint of all
    before it. One quad at a time: at 10k articles the graph is 550k quads, and the store's write takes its own."""
    g, digest = INFERRED_GRAPH, hashlib.sha256()
    support = _supporter(layer, _class_conditions(classes))
    for q in chain((ox.Quad(t.subject, t.predicate, t.object, g) for t in classes),
                   (q for t in sorted(new, key=str) for q in _inference(t, support(t)))):
        digest.update(str(q).encode())
        yield q
    yield ox.Quad(g, AK.sha256, ox.Literal(digest.hexdigest()), g)


def check(store: Store) -> CheckReport:
    """Run HermiT over the entity layer; on success, replace the inferred graph with what it found."""
    layer = entity_layer(store)
    classes = _aligned_classes(layer)
    found = _reason(layer, _all_states_different(layer) + _without_nominals(classes))
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
    stand_ins = {_stand_in(t.object) for t in classes if t.predicate == OWL.hasValue}
    trivial = {OWL.Thing, OWL.NamedIndividual, *stand_ins}
    new = {ox.Triple(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)) for s, p, o in found
           if ox.NamedNode(o) not in trivial and not s.startswith("http://inferrences")}
    new = {t for t in new if t.predicate != RDFS.subClassOf and (t.predicate == RDF.type or t.subject != t.object)}
    new |= _closure(layer, new)
    with store.writing():
        store.rewrite_graph(INFERRED_GRAPH, inferred_quads(layer, classes, new))
    return CheckReport(True, len(layer), inferred=len(new))
