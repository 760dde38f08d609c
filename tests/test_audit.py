"""`check` (HermiT over the entity layer) and `validate` (SHACL shapes) on the seeds, and on planted faults."""
from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from conftest import ARTICLES
from ingest.store import Store
from ontology.terms import AK, AKT, DCTERMS, ID, INFERRED_GRAPH, OA, OWL, RDF, XSD, sparql_prologue
from ontology.validation import violations
from queries import audit, runner
from queries.cli import cli

SEED_DOC = "000_612de2d6d769fa05.txt"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def checked(seed_store_path, tmp_path_factory):
    """A copy of the seed store after a successful `alliance-kg check`."""
    path = tmp_path_factory.mktemp("checked") / "store"
    shutil.copytree(seed_store_path, path)
    result = invoke("--store", path, "check", "--format", "json")
    assert result.exit_code == 0, result.output
    return path, json.loads(result.stdout)


def test_the_seeds_are_consistent_and_conform(checked, seed_store_path):
    _, report = checked
    assert report["consistent"] and report["problems"] == [] and report["inferred"] > 0
    result = invoke("--store", seed_store_path, "validate")
    assert result.exit_code == 0 and "conforms" in result.stdout


def inferences(path, subject: str, predicate: str, obj: str) -> list[dict]:
    query = ("SELECT ?axiom ?claim ?quote WHERE { GRAPH akg:inferred { ?i a ak:Inference ; rdf:subject ?s ; "
             "rdf:predicate ?p ; rdf:object ?o ; ak:byAxiom ?axiom ; prov:wasDerivedFrom ?claim } "
             "GRAPH ?doc { ?claim prov:wasDerivedFrom ?ev . ?ev oa:hasSelector ?q . ?q oa:exact ?quote } "
             "VALUES (?s ?p ?o) { (<%s> <%s> <%s>) } }" % (subject, predicate, obj))
    return [{k: v.value for k, v in r.items()} for r in Store(path, read_only=True).select(sparql_prologue() + query).rows]


@pytest.mark.parametrize("subject, predicate, obj, axiom, words", [
    # an inverse property: a leader_of claim gives the state its leader
    (ID.state("RUS"), AK.hasLeader, ID.person("vladimir-putin"), AK.hasLeader, "Putin"),
    # a property chain: parties to one treaty are treaty partners
    (ID.state("RUS"), AK.treatyPartner, ID.state("PRK"), AK.treatyPartner, "Treaty"),
    # a defined class: the states aligned with Russia
    (ID.state("BLR"), RDF.type, ox.NamedNode(ID.iri + "class/aligned-with/state/RUS"),
     ox.NamedNode(ID.iri + "class/aligned-with/state/RUS"), "Belarus"),
])
def test_inferences_name_their_axiom_and_reach_the_sentences(checked, subject, predicate, obj, axiom, words):
    path, _ = checked
    rows = inferences(path, subject.value, predicate.value, obj.value)
    assert rows, "the inference is in akg:inferred with its support"
    assert {r["axiom"] for r in rows} == {axiom.value}
    assert any(words in r["quote"] for r in rows), rows


def test_hermit_gets_no_nominals_and_their_stand_ins_stay_out_of_the_inferred_graph(checked, seed_store):
    classes = audit._aligned_classes(audit.entity_layer(seed_store))
    hermit = audit._without_nominals(classes)
    assert not any(t.predicate in (OWL.hasValue, OWL.oneOf) for t in (*audit._tbox(), *hermit))
    targets = {t.object for t in classes if t.predicate == OWL.hasValue}
    assert targets and {(t.subject, t.object) for t in hermit if t.subject in targets} == \
        {(x, audit._stand_in(x)) for x in targets}, "each stand-in is asserted of its target alone"
    path, _ = checked
    written = list(Store(path, read_only=True).graph_quads(INFERRED_GRAPH))
    assert {q.object for q in written if q.predicate == OWL.hasValue} == targets, "the classes keep their nominals"
    assert not any(q.object == audit._stand_in(x) for q in written for x in targets)


def test_the_claims_behind_each_inference_are_those_a_scan_of_every_fact_finds(checked, seed_store):
    """The support the inferred graph holds, against README's definition applied by brute force to the layer."""
    layer = audit.entity_layer(seed_store)
    conditions = audit._class_conditions(audit._aligned_classes(layer))
    layer = list(layer)

    def touching(node, props):
        return [q for q in layer if q.predicate in props and node in (q.subject, q.object)]

    def scan(t):
        if t.predicate == RDF.type:
            quads = [q for prop, value in conditions.get(t.object, ())
                     for q in touching(t.subject, audit._entailing(prop)) if value is None or value in (q.subject, q.object)]
        else:
            ends = {t.subject, t.object}
            around = [touching(end, audit._entailing(t.predicate)) for end in ends]
            neighbours = [{n for q in quads for n in (q.subject, q.object)} - ends for quads in around]
            shared = set.intersection(*neighbours) if len(neighbours) == 2 else set()
            quads = [q for quads in around for q in quads if {q.subject, q.object} <= ends | shared]
        return {q.graph_name.value for q in quads} - {audit._NO_CLAIM.value}

    path, _ = checked
    stored: dict[ox.Triple, set[str]] = {}
    for r in Store(path, read_only=True).select(sparql_prologue() + (
            "SELECT ?s ?p ?o ?claim WHERE { GRAPH akg:inferred { ?i a ak:Inference ; rdf:subject ?s ; "
            "rdf:predicate ?p ; rdf:object ?o OPTIONAL { ?i prov:wasDerivedFrom ?claim } } }")).rows:
        stored.setdefault(ox.Triple(r["s"], r["p"], r["o"]), set()).update([r["claim"].value] if r["claim"] else [])
    assert len(stored) > 200 and any(stored.values())
    assert all(claims == scan(t) for t, claims in stored.items())


def test_checking_twice_replaces_the_inferred_graph(checked):
    path, report = checked
    before = len(Store(path, read_only=True))
    again = invoke("--store", path, "check", "--format", "json")
    assert json.loads(again.stdout)["inferred"] == report["inferred"]
    assert len(Store(path, read_only=True)) == before


def test_a_check_that_stops_while_writing_leaves_readers_warned_until_an_ingest_repairs_it(seed_store_path, tmp_path,
                                                                                          monkeypatch,
                                                                                          killed_while_rewriting):
    """The inferred graph is written a batch at a time (one transaction would hold it all in memory), its
    fingerprint last: a check stopped half-way is seen, and the next ingest drops what it left."""
    path = tmp_path / "store"
    shutil.copytree(seed_store_path, path)
    killed_while_rewriting(at=25, batch=10)  # after two batches of ten
    with pytest.raises(OSError):
        invoke("--store", path, "check")
    monkeypatch.undo()
    inferred = lambda: len(list(Store(path, read_only=True).graph_quads(INFERRED_GRAPH)))
    assert inferred() == 20
    stats = lambda: CliRunner().invoke(cli, ["--store", str(path), "stats"])
    assert "an ingest or check stopped before it finished" in stats().stderr
    ingested = invoke("--store", path, "ingest", ARTICLES, "--format", "json")
    assert json.loads(ingested.stdout)["unchanged"] == len(list(ARTICLES.glob("*.txt")))
    assert inferred() == 0 and stats().stderr == ""


def claims_about(path, *params, entity="Russia") -> list[dict]:
    args = [a for param in (f"entity={entity}", *params) for a in ("--param", param)]
    result = invoke("--store", path, "query", "claims-about", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["rows"]


def inferred_evidence(rows: list[dict]) -> list[tuple[dict, dict]]:
    return [(row, e) for row in rows for e in row["evidence"] if e["claim_type"].startswith("inferred: ")]


@pytest.mark.parametrize("params", [(), ("inferred=no",)])
def test_canned_queries_leave_inferred_facts_out_unless_asked(checked, params):
    path, _ = checked
    rows = claims_about(path, *params)
    assert rows and inferred_evidence(rows) == []


def test_canned_queries_add_inferred_facts_with_axiom_and_sentences_when_asked(checked):
    path, _ = checked
    found = inferred_evidence(claims_about(path, "inferred=yes") + claims_about(path, "inferred=yes", entity="Belarus"))
    leaders = [e for row, e in found if row["object"] == "Vladimir Putin" and e["claim_type"] == "inferred: hasLeader"]
    assert leaders and {e["derived_by"] for e in leaders} == {AK.hasLeader.value}
    # the sentences are those of the claims the inference follows from: Putin leading Russia, nothing else
    assert all("Putin" in e["quote"] for e in leaders), leaders
    aligned = [e for row, e in found if row["subject"] == "Belarus" and row["object"] == "aligned with Russia"]
    assert aligned and all("Belarus" in e["quote"] for e in aligned), aligned
    for _, e in found:
        text = (ARTICLES / e["source"]).read_text("utf-8")
        assert text[e["start"]:e["end"]] == e["quote"]


def test_an_inferred_switch_that_is_not_yes_or_no_is_refused(checked):
    path, _ = checked
    result = invoke("--store", path, "query", "claims-about", "--param", "entity=Russia", "--param", "inferred=maybe")
    assert result.exit_code != 0 and "--param inferred='maybe': use yes or no" in result.stderr


# --- planted inconsistencies -------------------------------------------------------------------------------

def plant(path, *facts):
    """A document graph holding one claim whose event names the planted entities, and the planted facts."""
    store = Store(path)
    doc = ID.document("planted")
    claim, event = ox.NamedNode(doc.value + "/claim/0"), ox.NamedNode(doc.value + "/claim/0#event")
    quads = [ox.Quad(claim, AK.asserts, event, doc)]
    for s, p, o in facts:
        quads.append(ox.Quad(s, p, o, doc))
        if p == AK.holder or p == AK.ofState:
            continue
        quads.append(ox.Quad(event, AK.treaty if "/treaty/" in s.value else AK.actor, s, doc))
    if any(p in (AK.holder, AK.ofState) for _, p, _ in facts):
        quads.append(ox.Quad(claim, AK.claimType, AKT.leader_of, doc))
    store.replace_graph(doc, quads)
    store.flush()
    return claim.value


@pytest.mark.parametrize("facts, words", [
    ([(ID.state("BLR"), RDF.type, AK.Person)], "is typed both a state and a person"),
    ([(ID.treaty("planted"), RDF.type, AK.Treaty), (ID.treaty("planted"), AK.party, ID.person("vladimir-putin")),
      (ID.treaty("planted"), AK.party, ID.state("RUS"))], "is a person but a party to the treaty"),
    ([(ox.NamedNode(ID.document("planted").value + "/claim/0#event"), AK.holder, ID.person("kim-jong-un")),
      (ox.NamedNode(ID.document("planted").value + "/claim/0#event"), AK.ofState, ID.state("RUS"))],
     "leads two states at once"),
])
def test_each_kind_of_inconsistency_is_reported_with_its_claims(seed_store_path, tmp_path, facts, words):
    path = tmp_path / "store"
    shutil.copytree(seed_store_path, path)
    claim = plant(path, *facts)
    result = invoke("--store", path, "check")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if words in line]
    assert lines and all(line.startswith("inconsistent: ") for line in lines), result.stderr
    assert any(claim in line for line in lines), "the planted claim is named"


# --- shape violations --------------------------------------------------------------------------------------

def seed_doc_triples(seed_store) -> list[ox.Triple]:
    doc = next(g for g, _ in seed_store.fingerprints().items()
               if any(q.object.value == SEED_DOC for q in seed_store.graph_quads(g) if q.predicate == AK.sourcePath))
    return [ox.Triple(q.subject, q.predicate, q.object) for q in seed_store.graph_quads(doc)]


def first(triples, predicate, obj=None):
    return next(t for t in triples if t.predicate == predicate and (obj is None or t.object == obj))


def drop(predicate, obj=None):
    return lambda ts: [t for t in ts if t is not first(ts, predicate, obj)]


def swap(predicate, value, obj=None):
    def change(ts):
        old = first(ts, predicate, obj)
        return [ox.Triple(t.subject, t.predicate, value) if t is old else t for t in ts]
    return change


@pytest.mark.parametrize("mutate, words", [
    (drop(AK.actor), "needs one"),                                                     # a party missing
    (swap(AK.counterpart, ID.person("vladimir-putin"), ID.state("RUS")), "state or organization"),  # wrong class
    (swap(AK.date, ox.Literal("June 2024")), "xsd:date, xsd:gYearMonth or xsd:gYear"),  # bad date datatype
    (drop(OA.exact), "quote"),                                                          # no quote
    (swap(OA.start, ox.Literal("99999", datatype=XSD.integer)), "before its end"),      # start after end
    (swap(AK.sha256, ox.Literal("not-a-hash")), "SHA-256"),                              # a bad source hash
    (drop(AK.sourcePath), "path"),                                                      # a source without a path
])
def test_each_kind_of_shape_violation_is_reported_in_words(seed_store, mutate, words):
    triples = seed_doc_triples(seed_store)
    assert violations(triples) == []
    found = violations(mutate(triples))
    assert any(words in str(v) for v in found), [str(v) for v in found]
    # the fast evaluator ingest uses and the reference implementation find the same violations
    assert found == violations(mutate(triples), engine="pyshacl")


@pytest.mark.parametrize("triples", [
    # each shape's other constraints, broken where the seeds do not go: an ill-typed date, a negative offset,
    # a period ending before it starts, a treaty with one party, a claim's certainty outside its list
    [(ID.document("x"), RDF.type, AK.SourceDocument), (ID.document("x"), AK.sourcePath, ox.Literal("")),
     (ID.document("x"), AK.sha256, ox.Literal("0" * 64)), (ID.document("x"), DCTERMS.issued, ox.Literal("2024-02-30x", datatype=XSD.date))],
    [(ox.NamedNode("urn:p"), RDF.type, OA.TextPositionSelector), (ox.NamedNode("urn:p"), OA.start, ox.Literal("-1", datatype=XSD.integer)),
     (ox.NamedNode("urn:p"), OA.end, ox.Literal("4", datatype=XSD.integer))],
    [(ox.NamedNode("urn:e"), AK.earliest, ox.Literal("2024-05-01", datatype=XSD.date)),
     (ox.NamedNode("urn:e"), AK.latest, ox.Literal("2024-04-30", datatype=XSD.date)),
     (ox.NamedNode("urn:e"), AK.personnelCount, ox.Literal("0", datatype=XSD.integer))],
    [(ID.treaty("t"), RDF.type, AK.Treaty), (ID.treaty("t"), AK.party, ID.state("RUS")),
     (ID.treaty("t"), AK.signatory, ID.state("RUS")), (ID.state("RUS"), RDF.type, AK.State)],
    [(ox.NamedNode("urn:c"), RDF.type, AK.Claim), (ox.NamedNode("urn:c"), AK.certainty, AK.Probable),
     (ox.NamedNode("urn:c"), AK.hedged, ox.Literal("yes"))],
])
def test_the_fast_evaluator_agrees_with_pyshacl_on_every_constraint(triples):
    triples = [ox.Triple(*t) for t in triples]
    found = violations(triples)
    assert found and found == violations(triples, engine="pyshacl")


def test_validate_lists_violations_with_their_source_file(seed_store_path, seed_store, tmp_path):
    path = tmp_path / "store"
    shutil.copytree(seed_store_path, path)
    store = Store(path)
    doc = next(g for g in store.fingerprints() if "/doc/" in g.value)
    quads = [q for q in store.graph_quads(doc) if q.predicate != OA.exact]
    store.replace_graph(doc, quads)
    store.flush()
    del store
    for engine in ("core", "pyshacl"):
        result = invoke("--store", path, "validate", "--engine", engine)
        assert result.exit_code == 1
        assert ".txt: " in result.stderr and "a quote is one non-empty string" in result.stderr


def test_a_document_that_breaks_the_shapes_is_rejected_whole(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "odd.toml").write_text(
        '[[rule]]\nid = "odd/enrolled"\ntype = "membership_joined"\npattern = "{actor:STATE} enrolled in {counterpart:STATE}"\n')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "odd.txt").write_text("France enrolled in Germany in May 2024.\n")
    (tmp_path / "in" / "fine.txt").write_text("Chad has sent 1,500 troops to Mali.\n")
    result = invoke("--store", tmp_path / "store", "ingest", tmp_path / "in", "--patterns", tmp_path / "rules")
    assert result.exit_code == 1
    assert "odd.txt: its graph breaks the SHACL shapes" in result.stderr and "organization" in result.stderr
    assert "1 added" in result.stdout and "1 failed" in result.stdout
    paths = Store(tmp_path / "store", read_only=True).select(
        "SELECT ?p WHERE { GRAPH ?d { ?d <%s> ?p } }" % AK.sourcePath.value).rows
    assert [r["p"].value for r in paths] == ["fine.txt"]


def test_headline_evidence_reaches_the_sentences_through_the_derivation_rule(seed_store_path, seed_store):
    from conftest import ARTICLES
    from ontology.terms import sparql_prologue
    result = invoke("--store", seed_store_path, "ask", "who aligned with Russia after 2022?", "--format", "json")
    rows = json.loads(result.stdout)["rows"]
    assert rows
    for row in rows:
        for evidence in row["evidence"]:
            # stance (holder, toward Russia, rule) -> claim -> evidence -> offsets and quote in the source document
            chain = seed_store.select(sparql_prologue() + (
                'ASK { GRAPH ?d { ?stance ak:holder <%s> ; ak:toward <%s> ; ak:derivedBy "%s" ; prov:wasDerivedFrom <%s> . '
                '<%s> prov:wasDerivedFrom ?ev . ?ev oa:hasSource ?d ; oa:hasSelector ?p, ?q . '
                '?p oa:start %d ; oa:end %d . ?q oa:exact ?quote . ?d ak:sourcePath "%s" } }')
                % (row["entity_id"], ID.state("RUS").value, evidence["derived_by"], evidence["claim"], evidence["claim"],
                   evidence["start"], evidence["end"], evidence["source"]))
            assert chain.rows[0]["result"].value == "true", evidence
            text = (ARTICLES / evidence["source"]).read_text("utf-8")
            assert text[evidence["start"]:evidence["end"]] == evidence["quote"]


@pytest.mark.parametrize("entity", ["Russia", "Belarus", "Vladimir Putin"])
def test_pages_of_claims_about_with_inferences_are_the_whole_answer(checked, entity):
    path, _ = checked
    with Store(path, read_only=True) as store:
        params = {"entity": entity, "inferred": "yes"}
        whole = runner.run(store, "claims-about", params)
        assert inferred_evidence(whole.rows) or entity == "Vladimir Putin"
        pages = [row for offset in range(0, whole.total, 2)
                 for row in runner.run(store, "claims-about", params, offset=offset, limit=2).rows]
    assert pages == whole.rows
