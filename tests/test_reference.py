"""The reference data: every ISO 3166 state, one entity per name, offices tied to known people and states."""
import re

import pycountry
import pytest

from ingest import gazetteer
from ontology.terms import ID


@pytest.fixture(scope="module")
def gaz():
    return gazetteer.load()


def test_every_iso_3166_country_is_a_state(gaz):
    codes = {e.code for e in gaz.entities.values() if e.kind == "state"}
    assert codes == {c.alpha_3 for c in pycountry.countries}


def test_qids_are_well_formed_and_unique(gaz):
    qids = [e.qid for e in gaz.entities.values() if e.qid]
    assert all(re.fullmatch(r"Q\d+", q) for q in qids)
    assert len(qids) == len(set(qids))


def test_offices_point_at_known_people_and_states(gaz):
    for office in gaz.offices:
        assert office.person in gaz.entities and office.of in gaz.entities, office


@pytest.mark.parametrize("name, iri", [
    ("Pyongyang", ID.state("PRK")), ("the Kremlin", ID.state("RUS")), ("DPRK", ID.state("PRK")),
    ("Kim Jong-un", ID.person("kim-jong-un")), ("Kim Jong Un", ID.person("kim-jong-un")),
    ("Zelensky", ID.person("volodymyr-zelenskyy")), ("Zelenskyy", ID.person("volodymyr-zelenskyy")),
    ("NATO", ID.org("nato")), ("Q423", ID.state("PRK")), ("the United States", ID.state("USA")),
    ("U.S.", ID.state("USA")), ("Washington", ID.state("USA")), ("North Korea", ID.state("PRK")),
])
def test_names_resolve_to_one_entity(gaz, name, iri):
    assert gaz.resolve(name).iri == iri.value


def test_mentions_in_text(gaz):
    text = "North Korean soldiers arrived in Russia’s Far East, the Kremlin said; Seoul and Washington objected."
    found = [(text[m.start:m.end], m.kind) for m in gaz.find(text)]
    assert found == [("North Korean", "A"), ("Russia", "S"), ("Kremlin", "S"), ("Seoul", "S"), ("Washington", "S")]


def test_a_person_stands_for_the_state_whose_office_they_held(gaz):
    from datetime import date

    shoigu = ID.person("sergei-shoigu").value
    assert gaz.state_of(shoigu, date(2023, 1, 1)) == ID.state("RUS").value
    assert gaz.state_of(ID.person("vladimir-putin").value, None) == ID.state("RUS").value
