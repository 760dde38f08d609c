"""What a sentence leaves out, taken from the article around it: office titles, people introduced earlier,
pairs of parties, treaties referred back to. Sentences written by the team."""
import pytest

from ingest import gazetteer, patterns
from ingest.extract import Extractor
from ingest.reader import read_article


@pytest.fixture(scope="module")
def extract():
    gaz = gazetteer.load()
    extractor = Extractor(gaz, patterns.load())

    def run(text: str):
        result = extractor.extract(read_article(text.encode("utf-8"), "t.txt"))
        label = lambda iri: (gaz.entities.get(iri) or result.entities.get(iri)).label if iri else None
        return [(c.type, label(c.actor), label(c.counterpart), c.date.iso if c.date else None) for c in result.claims], result

    return run


def test_a_title_alone_is_the_person_the_article_named(extract):
    claims, _ = extract("Kenya's president, William Ruto, arrived in Addis Ababa on Monday.\n"
                        "The Kenyan president later met Ethiopian Prime Minister Abiy Ahmed.\n")
    assert ("meeting", "William Ruto", "Abiy Ahmed", None) in claims


def test_a_title_alone_is_the_reference_office_holder_on_the_publication_date(extract):
    claims, _ = extract("June 5, 2023\nRussia's foreign minister met the Turkish president in Ankara.\n")
    assert ("meeting", "Sergey Lavrov", "Recep Tayyip Erdoğan", None) in claims


def test_a_person_missing_from_the_reference_data_becomes_an_unlinked_entity(extract):
    claims, result = extract("Gabon's transitional president, General Brice Oligui Nguema, visited Paris.\n"
                             "Oligui Nguema later met French President Emmanuel Macron.\n")
    assert ("leader_of", "Brice Oligui Nguema", "Gabon", None) in claims
    assert ("visit", "Brice Oligui Nguema", "France", None) in claims
    assert ("meeting", "Brice Oligui Nguema", "Emmanuel Macron", None) in claims
    [person] = result.entities.values()
    assert person.label == "Brice Oligui Nguema" and person.linked is False


def test_between_the_two_countries_names_the_last_pair(extract):
    claims, _ = extract("Egypt and Sudan signed a defence pact in March 2021.\n"
                        "Military cooperation between the two countries has grown since then.\n")
    assert ("alignment", "Egypt", "Sudan", None) in claims or ("alignment", "Sudan", "Egypt", None) in claims


def test_a_relationship_named_without_parties(extract):
    claims, _ = extract("Serbia strengthened its ties with China in 2024.\n"
                        "This deepening partnership worries officials in Brussels.\n")
    assert sum(1 for c in claims if c[0] == "alignment" and {c[1], c[2]} == {"Serbia", "China"}) == 2


def test_a_relationship_in_a_prepositional_phrase_is_background(extract):
    claims, _ = extract("Serbia strengthened its ties with China in 2024.\n"
                        "Officials spoke of a turning point in their cooperation.\n")
    assert sum(1 for c in claims if c[0] == "alignment") == 1


def test_they_continue_the_last_meeting(extract):
    claims, _ = extract("Indian Prime Minister Narendra Modi met Japanese Prime Minister Fumio Kishida in Tokyo.\n"
                        "They discussed maritime security.\n")
    meetings = [c for c in claims if c[0] == "meeting"]
    assert len(meetings) == 2 and all({c[1], c[2]} == {"Narendra Modi", "Fumio Kishida"} for c in meetings)


def test_a_treaty_referred_back_to(extract):
    claims, _ = extract("Russia and Belarus signed a mutual defence treaty in December 2023.\n"
                        "The agreement entered into force in March 2024.\n")
    assert ("treaty_in_force", "Russia", "Belarus", "2024-03") in claims or \
           ("treaty_in_force", "Belarus", "Russia", "2024-03") in claims


def test_a_missing_party_never_comes_from_a_hostile_claim(extract):
    claims, _ = extract("Ukrainian drones struck Russian refineries overnight.\n"
                        "These soldiers will support Russian forces.\n")
    assert not [c for c in claims if c[0] == "deployment" and c[1] == "Ukraine"]


def test_the_deployment_refers_back(extract):
    claims, result = extract("Chad sent troops to Niger last week.\nThe reported deployment alarmed neighbours.\n")
    deployments = [c for c in claims if c[0] == "deployment"]
    assert len(deployments) == 2 and all(c[1:3] == ("Chad", "Niger") for c in deployments)


def test_an_unnamed_subject_of_ties_is_the_articles_main_state(extract):
    claims, _ = extract("Turkey has courted Gulf investors. Ankara hosted a forum for them.\n"
                        "Turkish officials praised the talks.\n"
                        "The revival of ties with Egypt is the boldest step.\n")
    assert ("alignment", "Turkey", "Egypt", None) in claims


def test_an_organization_missing_from_the_reference_data_becomes_an_unlinked_entity(extract):
    claims, result = extract("Peru left the Andean Defence Council on Sunday.\n"
                             "Finland joined NATO and the Nordic Defence Forum in 2023.\n")
    assert ("membership_left", "Peru", "Andean Defence Council", None) in claims
    assert ("membership_joined", "Finland", "NATO", "2023") in claims
    labels = {e.label: e.linked for e in result.entities.values()}
    assert labels == {"Andean Defence Council": False}  # never a name that holds a known one


def test_unlinked_entities_are_stored_as_such(tmp_path):
    from ingest.pipeline import ingest
    from ingest.store import Store
    from queries import runner

    (tmp_path / "a.txt").write_text("Gabon's transitional president, General Brice Oligui Nguema, visited Paris.\n"
                                    "Peru left the Andean Defence Council.\n", encoding="utf-8")
    store = Store(tmp_path / "store")
    ingest([tmp_path / "a.txt"], store)
    stats = {r["what"]: r["count"] for r in runner.stats(store)}
    assert stats["entities not in the reference data"] == 2
    about = runner.run(store, "claims-about", {"entity": "Gabon"}).rows
    assert any(r["subject"] == "Brice Oligui Nguema" for r in about)
