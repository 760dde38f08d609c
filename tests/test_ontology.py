"""Tests for the alliance-kg OWL 2 ontology (ontology/alliance.ttl).

The reasoning tests convert the Turtle file to RDF/XML with rdflib (owlready2
does not read Turtle) and run HermiT through owlready2, which needs Java.
"""


from pathlib import Path

import owlready2
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS

from ontology.terms import ontology_turtle


AK = Namespace("https://w3id.org/alliance-kg/ontology#")
AKT = Namespace("https://w3id.org/alliance-kg/claim-type/")
ONTOLOGY_IRI = URIRef("https://w3id.org/alliance-kg/ontology")
OUR_NAMESPACES = (str(AK), str(AKT))

KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
    RDFS.Datatype,
)

# Terms fixed by the binding vocabulary; renaming any of them breaks the data.
EXPECTED_CLASSES = {
    "Actor", "State", "Person", "Leader", "Organization", "MilitaryAlliance",
    "EconomicBloc", "PoliticalUnion", "IntergovernmentalOrganization", "Tenure",
    "Treaty", "TreatyType", "Event", "TreatySigning", "EntryIntoForce",
    "Deployment", "Meeting", "Visit", "Summit", "Membership", "Withdrawal",
    "DiplomaticProtest", "Expulsion", "Sanction", "Supply", "ArmsSupply",
    "EconomicSupport", "MilitaryAction", "RelationStatement",
    "AlignmentStatement", "OppositionStatement", "NeutralityStatement",
    "DeploymentRole", "Stance", "StanceKind", "Claim", "ClaimType", "Certainty",
    "Evidence", "SourceDocument",
}
EXPECTED_OBJECT_PROPERTIES = {
    "actor", "counterpart", "treaty", "party", "signatory", "treatyType", "role",
    "supports", "against", "holder", "ofState", "leaderOf", "hasLeader",
    "alliedWith", "memberOf", "stanceKind", "toward", "claimType", "asserts",
    "certainty", "hasClaim",
}
EXPECTED_DATATYPE_PROPERTIES = {
    "place", "personnelCount", "quantityText", "date", "earliest", "latest",
    "officeTitle", "startDate", "endDate", "isoCode", "iso2", "linked", "since",
    "derivedBy", "hedged", "extractionRule", "sourcePath", "sha256", "notBefore",
    "signingDate", "signingPlace", "entryIntoForceDate",
}
EXPECTED_INDIVIDUALS = {
    "TreatyType": {"MutualDefence", "StrategicPartnership", "NonAggression",
                   "BasingAccess", "TradeAgreement", "Normalisation"},
    "DeploymentRole": {"CombatRole", "TrainingRole", "LabourRole", "ReconstructionRole"},
    "StanceKind": {"Aligned", "Opposed", "Neutral"},
    "Certainty": {"Asserted", "Hedged", "Planned"},
}
EXPECTED_CLAIM_TYPES = {
    "alignment": "AlignmentStatement",
    "opposition": "OppositionStatement",
    "neutrality": "NeutralityStatement",
    "treaty_signed": "TreatySigning",
    "treaty_in_force": "EntryIntoForce",
    "deployment": "Deployment",
    "meeting": "Meeting",
    "visit": "Visit",
    "summit": "Summit",
    "membership_joined": "Membership",
    "membership_left": "Withdrawal",
    "diplomatic_protest": "DiplomaticProtest",
    "expulsion": "Expulsion",
    "sanction": "Sanction",
    "arms_supply": "ArmsSupply",
    "economic_support": "EconomicSupport",
    "military_action": "MilitaryAction",
    "leader_of": "Tenure",
}


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=ontology_turtle(), format="turtle")  # as the installed package ships it
    return g


def _ours(term) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(OUR_NAMESPACES)


def _local(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _typed(graph: rdflib.Graph, kind) -> set[str]:
    return {_local(s) for s in graph.subjects(RDF.type, kind) if _ours(s)}


def _to_rdfxml(graph: rdflib.Graph, path: Path) -> str:
    graph.serialize(destination=path, format="xml")
    return str(path)


def _load_in_fresh_world(path: str):
    world = owlready2.World()
    onto = world.get_ontology("file://" + path).load()
    return world, onto


# (a) parsing -----------------------------------------------------------------


def test_parses_with_ontology_header(graph):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    for prop in ("title", "description", "license"):
        assert graph.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/" + prop)) is not None
    assert graph.value(ONTOLOGY_IRI, RDFS.comment) is not None
    # Offline use: nothing is imported.
    assert not list(graph.objects(ONTOLOGY_IRI, OWL.imports))


# (b) documentation -------------------------------------------------------------


def test_every_term_has_label_and_definition(graph):
    subjects = {s for s in graph.subjects() if _ours(s)}
    assert subjects, "no ak:/akt: terms found"
    missing = []
    for s in sorted(subjects):
        lacks = [name for name, prop in (("rdfs:label", RDFS.label), ("skos:definition", SKOS.definition))
                 if not any(isinstance(o, Literal) and o.language == "en" for o in graph.objects(s, prop))]
        if lacks:
            missing.append(f"{s} (missing {', '.join(lacks)})")
    assert not missing, "terms without an @en rdfs:label / skos:definition:\n" + "\n".join(missing)


def test_every_term_used_is_declared_with_one_kind(graph):
    used = {t for triple in graph for t in triple if _ours(t)}
    problems = []
    for t in sorted(used):
        kinds = [k for k in KINDS if (t, RDF.type, k) in graph]
        if len(kinds) != 1:
            problems.append(f"{t}: declared kinds {[str(k) for k in kinds]}")
    assert not problems, "undeclared or ambiguously declared terms:\n" + "\n".join(problems)


def test_external_annotation_properties_declared(graph):
    for prop in graph.predicates():
        if prop in (RDF.type, RDFS.label, RDFS.comment, RDFS.isDefinedBy) or str(prop).startswith(
                (str(RDF), str(RDFS), str(OWL))):
            continue
        declared = any((prop, RDF.type, k) in graph for k in KINDS)
        assert declared, f"predicate {prop} is used but not declared"


# Binding vocabulary ---------------------------------------------------------------


def test_binding_vocabulary_present(graph):
    assert EXPECTED_CLASSES <= _typed(graph, OWL.Class)
    assert EXPECTED_OBJECT_PROPERTIES <= _typed(graph, OWL.ObjectProperty)
    assert EXPECTED_DATATYPE_PROPERTIES <= _typed(graph, OWL.DatatypeProperty)
    assert "eventClass" in _typed(graph, OWL.AnnotationProperty)
    assert {"CAMEO", "PLOVER"} <= _typed(graph, RDFS.Datatype)
    for cls, names in EXPECTED_INDIVIDUALS.items():
        members = {_local(s) for s in graph.subjects(RDF.type, AK[cls])}
        assert members == names, cls
        for name in names:
            assert (AK[name], RDF.type, OWL.NamedIndividual) in graph


def test_structural_axioms(graph):
    assert (AK.leaderOf, OWL.inverseOf, AK.hasLeader) in graph
    assert (AK.alliedWith, RDF.type, OWL.SymmetricProperty) in graph
    for prop in ("hedged", "personnelCount", "certainty", "claimType", "asserts"):
        assert (AK[prop], RDF.type, OWL.FunctionalProperty) in graph, prop
    disjoint_sets = [set(Collection(graph, m))
                     for ax in graph.subjects(RDF.type, OWL.AllDisjointClasses)
                     for m in graph.objects(ax, OWL.members)]
    assert {AK.State, AK.Person, AK.Organization} in disjoint_sets
    different_sets = [set(Collection(graph, m))
                      for ax in graph.subjects(RDF.type, OWL.AllDifferent)
                      for m in graph.objects(ax, OWL.members)]
    for cls, names in EXPECTED_INDIVIDUALS.items():
        assert {AK[n] for n in names} in different_sets, cls


def test_claim_types(graph):
    found = {_local(s) for s in graph.subjects(RDF.type, AK.ClaimType)}
    assert found == set(EXPECTED_CLAIM_TYPES)
    assert (AK.ClaimTypes, RDF.type, SKOS.ConceptScheme) in graph
    for name, cls in EXPECTED_CLAIM_TYPES.items():
        ct = AKT[name]
        assert (ct, RDF.type, SKOS.Concept) in graph
        assert (ct, RDF.type, OWL.NamedIndividual) in graph
        assert (ct, SKOS.inScheme, AK.ClaimTypes) in graph
        assert (ct, SKOS.notation, Literal(name)) in graph
        assert graph.value(ct, SKOS.prefLabel) is not None
        assert graph.value(ct, AK.eventClass) == AK[cls], name
        assert (AK[cls], RDF.type, OWL.Class) in graph


def test_event_codes_are_typed_and_commented(graph):
    codes = [(s, o) for s, o in graph.subject_objects(SKOS.notation)
             if isinstance(o, Literal) and o.datatype in (AK.CAMEO, AK.PLOVER)]
    assert codes
    for cls, code in codes:
        assert (cls, RDFS.subClassOf, AK.Event) in graph or any(
            (cls, RDFS.subClassOf, sup) in graph for sup in graph.subjects(RDFS.subClassOf, AK.Event)), cls
        if code.datatype == AK.CAMEO:
            assert str(code).isdigit() and 2 <= len(str(code)) <= 4, code
        comments = [c for ax in graph.subjects(OWL.annotatedSource, cls)
                    if (ax, OWL.annotatedTarget, code) in graph
                    for c in graph.objects(ax, RDFS.comment)]
        assert comments, f"no rdfs:comment on code {code} of {cls}"


# (c) / (d) reasoning with HermiT ------------------------------------------------


def test_hermit_consistent_and_no_unsatisfiable_classes(graph, tmp_path):
    path = _to_rdfxml(graph, tmp_path / "alliance.owl")
    world, _ = _load_in_fresh_world(path)
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:  # pragma: no cover - failure path
        pytest.fail("HermiT reports the ontology inconsistent")
    assert list(world.inconsistent_classes()) == []


def test_hermit_detects_state_person_clash(graph, tmp_path):
    g = rdflib.Graph()
    for triple in graph:
        g.add(triple)
    bad = URIRef("https://w3id.org/alliance-kg/id/test/state-and-person")
    g.add((bad, RDF.type, OWL.NamedIndividual))
    g.add((bad, RDF.type, AK.State))
    g.add((bad, RDF.type, AK.Person))
    path = _to_rdfxml(g, tmp_path / "clash.owl")
    world, _ = _load_in_fresh_world(path)
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)


def test_hermit_infers_leader_and_symmetric_alliance(graph, tmp_path):
    g = rdflib.Graph()
    for triple in graph:
        g.add(triple)
    akid = Namespace("https://w3id.org/alliance-kg/id/")
    person, rus, prk = akid["person/test-leader"], akid["state/RUS"], akid["state/PRK"]
    for ind in (person, rus, prk):
        g.add((ind, RDF.type, OWL.NamedIndividual))
    g.add((person, AK.leaderOf, prk))
    g.add((rus, AK.alliedWith, prk))
    path = _to_rdfxml(g, tmp_path / "inference.owl")
    world, _ = _load_in_fresh_world(path)
    owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    leader_cls = world[str(AK.Leader)]
    state_cls = world[str(AK.State)]
    p, r, k = world[str(person)], world[str(rus)], world[str(prk)]
    assert leader_cls in p.INDIRECT_is_a
    assert state_cls in k.INDIRECT_is_a
    allied = world[str(AK.alliedWith)]
    assert r in allied[k]
