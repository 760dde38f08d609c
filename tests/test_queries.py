"""Every canned query on the real seed store; parameters are checked and bound as terms, never executed."""
import pytest
from rdflib import URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from ingest.errors import UserError
from ingest.pipeline import ingest
from ingest.store import Store
from ontology.terms import AK, DISAGREEMENTS_GRAPH
from queries import runner
from queries.catalog import canned, rules, where_iris

# One expectation per canned query: parameters, and an answer that must be among the rows.
EXPECTED = {
    "aligned-with": ({"state": "Russia"}, lambda r: r["entity"] == "Belarus"),
    "opposed-to": ({"state": "Russia", "after": "2020"}, lambda r: r["entity"] == "Finland"),
    "neutral": ({}, lambda r: r["entity"] == "Brazil"),
    "treaties-of": ({"state": "Russia"}, lambda r: r["partner"] == "North Korea"),
    "deployments": ({"to": "Russia"}, lambda r: r["sender"] == "North Korea"),
    "meetings-of": ({"entity": "Russia"}, lambda r: r["participant"] == "Vladimir Putin" and r["other"] == "Kim Jong Un"),
    "leaders-of": ({"state": "North Korea"}, lambda r: r["person"] == "Kim Jong Un" and r["listed_in"] == "articles"),
    "claims-about": ({"entity": "Belarus"}, lambda r: r["object"] == "Russia"),
    "evidence-for": ({"holder": "Finland", "stance": "opposed", "toward": "Russia"},
                     lambda r: r["evidence"][0]["derived_by"] == "opposed-by-accession"),
    "timeline": ({"a": "North Korea", "b": "Russia"}, lambda r: r["when"] == "2024-10"),
    "conflicting-reports": ({}, lambda r: r["conflict"] == "signing date" or r["conflict"] == "troop count"),
    "claims": ({"kind": "neutrality"}, lambda r: r["subject"] == "Brazil"),
}


def test_every_canned_query_is_tested():
    assert set(canned()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - {"conflicting-reports"}))
def test_canned_query_answers(seed_store, name):
    params, expected = EXPECTED[name]
    answer = runner.run(seed_store, name, params)
    assert any(expected(row) for row in answer.rows), answer.rows


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_canned_query_header(name):
    query = canned()[name]
    assert query.title and query.description and query.example


def test_every_derivation_rule_fires_on_the_seeds(seed_store):
    used = {r["rule"].value for r in seed_store.select(
        "PREFIX ak: <https://w3id.org/alliance-kg/ontology#> "
        "SELECT DISTINCT ?rule WHERE { GRAPH ?g { ?s ak:derivedBy ?rule } }").rows}
    assert used == set(rules())


@pytest.mark.parametrize("name", sorted(rules()))
def test_each_derivation_rule_names_every_predicate_it_matches_on(name):
    """Derivation feeds a rule only the quads whose predicate some rule's WHERE clause names (where_iris): rdflib's
    own parse of the rule may find no pattern whose predicate is a variable, a path, or an IRI not named."""
    predicates = []

    def walk(node):
        if isinstance(node, CompValue):
            if node.name in ("BGP", "TriplesBlock"):  # a TriplesBlock: the patterns of a FILTER EXISTS
                predicates.extend(p for _, p, _ in node["triples"])
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(prepareQuery(rules()[name].text).algebra.p)  # the WHERE clause, not the CONSTRUCT template
    assert predicates and all(isinstance(p, URIRef) for p in predicates), predicates
    assert {str(p) for p in predicates} <= where_iris(rules()[name])


def test_after_filter_keeps_only_later_or_undated_support(seed_store):
    rows = runner.run(seed_store, "aligned-with", {"state": "Russia", "after": "2026-06"}).rows
    # Belarus is supported only by a report of January 2026; China, Iran and North Korea also have
    # support in the undated article 002, which is kept and shown as undated.
    assert {r["entity"] for r in rows} == {"China", "Iran", "North Korea"}
    assert all(r["date"] is None for r in rows)


def test_evidence_for_reaches_the_sentence_through_the_rule(seed_store):
    row = runner.run(seed_store, "evidence-for", {"holder": "North Korea", "stance": "aligned", "toward": "Russia"}).rows[0]
    rules_used = {e["derived_by"] for e in row["evidence"]}
    assert {"aligned-by-treaty", "aligned-by-support"} <= rules_used
    treaty = next(e for e in row["evidence"] if e["derived_by"] == "aligned-by-treaty")
    assert "Treaty on Comprehensive Strategic Partnership" in treaty["quote"] or "pact" in treaty["quote"]


@pytest.mark.parametrize("params, message", [
    ({}, "--param state: required"),
    ({"state": "Atlantis"}, "--param state='Atlantis': no state"),
    ({"state": "Russia", "after": "soon"}, "--param after: not a date"),
    ({"state": "Russia", "colour": "red"}, "--param colour: query 'aligned-with' has no such parameter"),
])
def test_bad_parameters_are_refused_with_the_parameter_named(seed_store, params, message):
    with pytest.raises(UserError) as err:
        runner.run(seed_store, "aligned-with", params)
    assert message in err.value.message


def test_unknown_query_is_refused(seed_store):
    with pytest.raises(UserError, match="unknown query 'allies'"):
        runner.run(seed_store, "allies", {})


HOSTILE = [
    'Russia" } DROP ALL ; #',
    "x'; DELETE WHERE { ?s ?p ?o } #",
    "} UNION { GRAPH ?g { ?s ?p ?o } }",
    "line one\nINSERT DATA { <a:b> <a:c> <a:d> }",
    "{{}}}}##" * 200,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_is_bound_as_a_literal_and_changes_nothing(seed_store, value):
    before = len(seed_store)
    rows = runner.run(seed_store, "claims", {"kind": value}).rows
    assert rows == [] and len(seed_store) == before


@pytest.mark.parametrize("value", ["http://example.org/a b", "https://x/>{ DROP ALL }"])
def test_hostile_iris_are_refused(seed_store, value):
    with pytest.raises(UserError, match="--param state"):
        runner.run(seed_store, "aligned-with", {"state": value})


def test_bound_query_holds_the_value_as_an_escaped_term():
    query = canned()["claims"]
    text = runner.bound_text(query, runner.bind_params(query, {"kind": 'a" } DROP ALL #'}))
    assert 'VALUES (?kind ?file) { ("a\\" } DROP ALL #" UNDEF) }' in text


def store_of(tmp_path, *articles: str) -> Store:
    """A fresh on-disk store holding one article per text, named a.txt, b.txt, ..."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in zip("abcdefgh", articles):
        (folder / f"{name}.txt").write_text(text + "\n")
    store = Store(tmp_path / "store")
    ingest([folder], store)
    return store


def test_conflicting_reports_are_kept_side_by_side(tmp_path):
    store = store_of(tmp_path,
                     "Chad has sent 1,500 troops to Mali, officials said.",
                     "Chad has sent 2,000 troops to Mali, according to a local governor.",
                     "Chad has sent 1,500 troops to Mali.")
    rows = runner.run(store, "conflicting-reports", {"state": "Mali"}).rows
    counts = {r["value"]: r["sources"] for r in rows if r["conflict"] == "troop count"}
    assert counts == {"1500": 2, "2000": 1}  # both figures, each with all its sources
    assert {e["source"] for r in rows if r["value"] == "1500" for e in r["evidence"]} == {"a.txt", "c.txt"}


def test_the_reports_of_one_sender_and_receiver_are_listed_together(tmp_path):
    store = store_of(tmp_path,
                     "Chad has sent 1,500 troops to Mali.", "Chad has sent 1,800 troops to Niger.",
                     "Chad has sent 2,000 troops to Mali.", "Chad has sent 2,500 troops to Niger.")
    rows = runner.run(store, "conflicting-reports", {}).rows
    assert [(r["about"], r["with"], r["value"]) for r in rows] == [("Chad", "Mali", "1500"), ("Chad", "Mali", "2000"),
                                                                   ("Chad", "Niger", "1800"), ("Chad", "Niger", "2500")]


def test_reports_of_different_periods_or_places_do_not_conflict(tmp_path):
    store = store_of(tmp_path,
                     "Chad sent 1,500 troops to Mali in 2022.",
                     "Chad sent 2,000 troops to Mali in 2024.")
    assert runner.run(store, "conflicting-reports", {}).rows == []


def test_different_signing_dates_of_one_treaty_are_kept_side_by_side(tmp_path):
    store = store_of(tmp_path,
                     "Chile and Peru signed the Treaty of Lima in March 2023.",
                     "Chile and Peru signed the Treaty of Lima in May 2024.")
    rows = runner.run(store, "conflicting-reports", {"state": "Peru"}).rows
    assert {(r["conflict"], r["value"]) for r in rows} == {("signing date: Treaty of Lima", "2023-03"),
                                                          ("signing date: Treaty of Lima", "2024-05")}


def test_different_arrival_dates_at_one_place_are_kept_side_by_side(tmp_path):
    store = store_of(tmp_path,
                     "Rwandan troops arrived in Mozambique's Cabo Delgado in July 2021.",
                     "Rwandan troops arrived in Mozambique's Cabo Delgado in March 2022.")
    rows = runner.run(store, "conflicting-reports", {}).rows
    assert {(r["conflict"], r["value"]) for r in rows} == {("arrival date", "2021-07"), ("arrival date", "2022-03")}


def test_a_changed_report_takes_its_disagreement_with_it(tmp_path):
    store = store_of(tmp_path, "Chad has sent 1,500 troops to Mali.", "Chad has sent 2,000 troops to Mali.")
    assert {r["value"] for r in runner.run(store, "conflicting-reports", {}).rows} == {"1500", "2000"}
    (tmp_path / "in" / "b.txt").write_text("Chad has sent 1,500 troops to Mali.\n")
    assert ingest([tmp_path / "in"], store).replaced == ["b.txt"]
    assert runner.run(store, "conflicting-reports", {}).rows == []
    assert [q.predicate for q in store.graph_quads(DISAGREEMENTS_GRAPH)] == [AK.sha256]  # its fingerprint alone


def test_an_ingest_draws_the_disagreements_a_store_lacks_though_no_article_changed(tmp_path):
    """A store written before the graph of disagreements existed, or before its rule changed, gets it again."""
    store = store_of(tmp_path, "Chad has sent 1,500 troops to Mali.", "Chad has sent 2,000 troops to Mali.")
    store.replace_graph(DISAGREEMENTS_GRAPH, [])
    assert runner.run(store, "conflicting-reports", {}).rows == []
    report = ingest([tmp_path / "in"], store)
    assert report.unchanged == ["a.txt", "b.txt"] and report.disagreements_s is not None
    assert {r["value"] for r in runner.run(store, "conflicting-reports", {}).rows} == {"1500", "2000"}
    assert ingest([tmp_path / "in"], store).disagreements_s is None  # current now: not drawn again


def test_a_run_stopped_while_drawing_the_disagreements_is_repaired_by_the_next(tmp_path, monkeypatch,
                                                                              killed_while_rewriting):
    """The disagreements are written a batch at a time as the search finds them (held and written at once, those of
    100k articles took hundreds of MiB), their fingerprint last: a run stopped half-way leaves the store marked
    unfinished, and the next run drops what it left and draws them whole."""
    killed_while_rewriting(at=3, batch=2)  # while the second batch of two is gathered
    with pytest.raises(OSError):
        store_of(tmp_path, "Chad has sent 1,500 troops to Mali.", "Chad has sent 2,000 troops to Mali.")
    monkeypatch.undo()
    store = Store(tmp_path / "store")
    left = list(store.graph_quads(DISAGREEMENTS_GRAPH))
    assert len(left) == 2 and AK.sha256 not in {q.predicate for q in left} and store.unfinished
    assert store.repair() == [DISAGREEMENTS_GRAPH] and not list(store.graph_quads(DISAGREEMENTS_GRAPH))
    report = ingest([tmp_path / "in"], store)
    assert report.unchanged == ["a.txt", "b.txt"] and report.disagreements_s is not None and not store.unfinished
    assert {r["value"] for r in runner.run(store, "conflicting-reports", {}).rows} == {"1500", "2000"}
    assert len(list(store.graph_quads(DISAGREEMENTS_GRAPH))) == 8  # 5 of the disagreement, 2 reports, fingerprint


def test_the_documents_fingerprint_follows_the_documents_not_the_order_they_were_written_in(tmp_path):
    """Drawing the disagreements again depends on it: hashed as the store gives the documents, unsorted."""
    texts = {"a.txt": "Chad has sent 1,500 troops to Mali.\n", "b.txt": "Chad has sent 2,000 troops to Mali.\n"}
    prints = []
    for order in (["a.txt", "b.txt"], ["b.txt", "a.txt"]):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        store = Store(folder / "store")
        for name in order:  # one run each, so that they are written in this order
            (folder / name).write_text(texts[name])
            ingest([folder / name], store)
        prints.append(store.documents_fingerprint())
    assert prints[0] == prints[1]
    (folder / "b.txt").write_text("Chad has sent 2,500 troops to Mali.\n")
    ingest([folder / "b.txt"], store)
    assert store.documents_fingerprint() != prints[0]


# three documents naming a person the reference data lacks: each document labels them
MET_UNLISTED = ("Vladimir Putin met Prime Minister Arno Valdemar in Moscow on 3 March 2024.",
                "Xi Jinping met Prime Minister Arno Valdemar in Beijing on 5 March 2024.",
                "Narendra Modi met Prime Minister Arno Valdemar in Delhi on 9 March 2024.")


def test_a_claim_naming_someone_the_reference_data_lacks_is_listed_once(tmp_path):
    """Each document that names such a person labels them; the claim is still one record, labelled from its own
    document."""
    store = store_of(tmp_path, *MET_UNLISTED)
    records = list(runner.claims(store))
    assert [(r["subject"], r["object"]) for r in records] == [("Vladimir Putin", "Arno Valdemar"),
                                                             ("Xi Jinping", "Arno Valdemar"),
                                                             ("Narendra Modi", "Arno Valdemar")]
    assert len(runner.run_flat(store, "claims", {"kind": "meeting"}).rows) == 3


def test_claims_with_equal_values_stay_one_answer_each(tmp_path):
    """The claims query answers one claim each (its '# group: claim' line): two reports of the same meeting are two
    answers, whole or a page at a time."""
    store = store_of(tmp_path, "Vladimir Putin met Xi Jinping in Moscow.", "Vladimir Putin met Xi Jinping in Moscow.")
    for limit in (None, 1, 20):
        answer = runner.run(store, "claims", {"kind": "meeting"}, limit=limit)
        assert answer.total == 2
        assert [(r["subject"], r["object"], [e["source"] for e in r["evidence"]]) for r in answer.rows] == \
            [("Vladimir Putin", "Xi Jinping", ["a.txt"]), ("Vladimir Putin", "Xi Jinping", ["b.txt"])][:limit]


def test_a_name_the_reference_data_lacks_is_labelled_by_each_claims_own_document(tmp_path):
    """Every document naming such a person labels them: an answer's row is read once, not once per document."""
    store = store_of(tmp_path, *MET_UNLISTED)
    rows = runner.run_flat(store, "claims-about", {"entity": "Vladimir Putin"}).rows
    assert [(r["object"].value, r["source"].value) for r in rows] == [("Arno Valdemar", "a.txt")]
    answer = runner.run(store, "claims-about", {"entity": "Vladimir Putin"}, limit=1)
    assert [(r["object"], r["sources"]) for r in answer.rows] == [("Arno Valdemar", 1)]
