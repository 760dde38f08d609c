"""Phrasing families added from the development corpus's error classes, tested on other sentences."""
import pytest

from ingest import gazetteer, patterns
from ingest.extract import Extractor
from ingest.reader import read_article

PUBLISHED = "October 10, 2025\n"


@pytest.fixture(scope="module")
def claims_of():
    gaz = gazetteer.load()
    extractor = Extractor(gaz, patterns.load())

    def run(text: str, type_: str):
        result = extractor.extract(read_article((PUBLISHED + text).encode("utf-8"), "t.txt"))
        label = lambda iri: (gaz.entities.get(iri) or result.entities.get(iri)).label if iri else None
        return [(label(c.actor), label(c.counterpart), c.date.iso if c.date else None,
                 c.quantity.value if c.quantity else None) for c in result.claims if c.type == type_]

    return run


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Lithuania's foreign ministry condemned Belarus over the border incident.", "opposition",
                 ("Lithuania", "Belarus", None, None), id="ministry-acts-for-state"),
    pytest.param("The Kenyan government criticised Somalia on Tuesday.", "opposition",
                 ("Kenya", "Somalia", "2025-10-07", None), id="government-and-weekday"),
    pytest.param("Georgia on Friday froze its membership in the CIS.", "membership_left",
                 ("Georgia", "Commonwealth of Independent States", "2025-10-10", None), id="date-between-subject-and-verb"),
    pytest.param("Israel carried out air strikes on targets inside Syria.", "military_action",
                 ("Israel", "Syria", None, None), id="carried-out-strikes"),
    pytest.param("India launched missile attacks on Pakistan in May.", "military_action",
                 ("India", "Pakistan", "2025-05", None), id="launched-attacks-month-without-year"),
    pytest.param("Japan lent Sri Lanka $500 million last year.", "economic_support",
                 ("Japan", "Sri Lanka", "2024", None), id="lent"),
    pytest.param("Qatar stepped up gas shipments to Pakistan this month.", "economic_support",
                 ("Qatar", "Pakistan", "2025-10", None), id="energy-shipments"),
    pytest.param("A Chinese destroyer and a supply ship docked in Cambodia.", "deployment",
                 ("China", "Cambodia", None, None), id="naval-vessels"),
    pytest.param("Egypt will send some 1,100 soldiers to Somalia.", "deployment",
                 ("Egypt", "Somalia", None, 1100), id="approximate-count"),
    pytest.param("Around 800 fighters from Turkey remain deployed in Libya.", "deployment",
                 ("Turkey", "Libya", None, 800), id="troops-from-remain-deployed"),
    pytest.param("Germany delivered four IRIS-T air-defence systems to Ukraine.", "arms_supply",
                 ("Germany", "Ukraine", None, None), id="delivered-systems-to"),
    pytest.param("Egypt will take delivery of two Chinese frigates from China next year.", "arms_supply",
                 ("China", "Egypt", "2026", None), id="take-delivery-from"),
    pytest.param("The neighbours respect Austria's permanent neutrality.", "neutrality",
                 ("Austria", None, None, None), id="possessive-neutrality"),
    pytest.param("Moldova's parliament declared the country militarily neutral.", "neutrality",
                 ("Moldova", None, None, None), id="declared-the-country-neutral"),
    pytest.param("The withdrawal of Chad and Togo from ECOWAS took effect.", "membership_left",
                 ("Chad", "Economic Community of West African States", None, None), id="withdrawal-of-list"),
])
def test_phrasing(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


def test_a_tour_of_several_states(claims_of):
    visits = claims_of("Spanish Foreign Minister José Manuel Albares toured Peru, Chile and Bolivia.", "visit")
    assert {v[1] for v in visits} == {"Peru", "Chile", "Bolivia"}


def test_your_counterpart_names_an_office_holder(claims_of):
    leaders = claims_of("Greek Foreign Minister Giorgos Gerapetritis and his Turkish counterpart, Hakan Fidan, met.",
                        "leader_of")
    assert ("Hakan Fidan", "Turkey", None, None) in leaders


def test_a_name_never_swallows_a_possessive(claims_of):
    leaders = claims_of("Ecuadorian President Daniel Noboa's office said the talks went well.", "leader_of")
    assert [l[0] for l in leaders] == ["Daniel Noboa"]


def test_a_person_introduced_is_known_by_the_family_name_first(claims_of):
    text = "China's deputy defence minister, Admiral Zhou Mingde, arrived in Hanoi.\nZhou met Vietnamese officials."
    assert ("Zhou Mingde", "Vietnam", None, None) in claims_of(text, "visit")
    assert ("Zhou Mingde", "Vietnam", None, None) in claims_of(text, "meeting")


def test_diplomats_are_expelled_not_folded_into_their_state(claims_of):
    assert ("Czech Republic", "Russia", None, 3) in claims_of("The Czech Republic expelled three Russian diplomats.",
                                                              "expulsion")


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Italy keeps about 300 troops in Lebanon.", "deployment", ("Italy", "Lebanon", None, 300),
                 id="keeps-troops-in"),
    pytest.param("Turkey opened a military base in Qatar in 2015.", "deployment", ("Turkey", "Qatar", "2015", None),
                 id="opened-base-in"),
    pytest.param("Some 500 French troops took part in joint drills in Estonia.", "deployment",
                 ("France", "Estonia", None, 500), id="took-part-in-exercises"),
    pytest.param("South Korea sold Poland nearly 1,000 tanks.", "arms_supply", ("South Korea", "Poland", None, None),
                 id="sold-x-arms"),
    pytest.param("Parliament condemned Pyongyang's supply of artillery shells to Russia.", "arms_supply",
                 ("North Korea", "Russia", None, None), id="possessive-supply-of"),
    pytest.param("Ghana, Togo and Benin signed a security charter in Accra.", "treaty_signed",
                 ("Ghana", "Togo", None, None), id="charter-by-list"),
    pytest.param("The memorandum, brokered by Qatar, was signed on March 2, 2025, by Ethiopia and Somalia.",
                 "treaty_signed", ("Ethiopia", "Somalia", "2025-03-02", None), id="signed-by-after-aside"),
    pytest.param("Egypt and Turkey restored full diplomatic relations in July 2023.", "alignment",
                 ("Egypt", "Turkey", "2023-07", None), id="restored-relations"),
    pytest.param("Chile, which had stayed silent for weeks, condemned Venezuela on Monday.", "opposition",
                 ("Chile", "Venezuela", "2025-10-06", None), id="aside-between-subject-and-verb"),
    pytest.param("Peru denied the report and accused Bolivia of interference.", "opposition",
                 ("Peru", "Bolivia", None, None), id="negation-stays-in-its-clause"),
])
def test_more_phrasing(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


@pytest.mark.parametrize("text, type_", [
    pytest.param("Brazil declined a German request to sell tank ammunition to Ukraine.", "arms_supply",
                 id="declined-request"),
    pytest.param("Serbia signed a deal in August to buy French fighter jets.", "treaty_signed", id="purchase-is-no-treaty"),
])
def test_no_claim(claims_of, text, type_):
    assert claims_of(text, type_) == []


def test_a_relative_clause_date_is_not_the_claims_date(claims_of):
    found = claims_of("Last month Qatar and Bahrain ended a rift that began in 2017.", "alignment")
    assert found and found[0][2] == "2025-09"


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Jordan recalled its envoy on Monday and lodged a protest with Israel.", "diplomatic_protest",
                 ("Jordan", "Israel", "2025-10-06", None), id="second-verb-after-mentions"),
    pytest.param("Beijing criticised Manila and Tokyo over the drills.", "opposition",
                 ("China", "Japan", None, None), id="criticised-a-list"),
    pytest.param("Sweden has delivered Archer howitzers and CV90 combat vehicles to Ukraine.", "arms_supply",
                 ("Sweden", "Ukraine", None, None), id="two-weapons-to"),
    pytest.param("A Turkish drone strike on Iraq killed three people.", "military_action",
                 ("Turkey", "Iraq", None, None), id="adjective-drone-strike"),
    pytest.param("Egypt became a full member of the BRICS group in 2024.", "membership_joined",
                 ("Egypt", "BRICS", "2024", None), id="full-member-of"),
    pytest.param("The Turkish base in Qatar is said to house some 3,000 soldiers.", "deployment",
                 ("Turkey", "Qatar", None, 3000), id="base-houses"),
    pytest.param("The State Department sanctioned Belarus on Friday.", "sanction",
                 ("United States", "Belarus", "2025-10-10", None), id="agency-metonym"),
    pytest.param("Serbia has not joined the EU's sanctions against Russia.", "sanction",
                 ("European Union", "Russia", None, None), id="noun-phrase-not-negated"),
])
def test_coordination_and_noun_phrases(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


def test_an_accusation_is_a_hedged_claim():
    gaz = gazetteer.load()
    result = Extractor(gaz, patterns.load()).extract(
        read_article(b"Armenia accused Azerbaijan of shelling border villages.\n", "t.txt"))
    [attack] = [c for c in result.claims if c.type == "military_action"]
    assert (gaz.entities[attack.actor].label, attack.hedged) == ("Azerbaijan", True)


def test_each_coordinated_clause_keeps_its_own_date(claims_of):
    found = claims_of("Egypt joined BRICS in January 2024 and became a full member of ASEAN in July 2023.",
                      "membership_joined")
    assert ("Egypt", "BRICS", "2024-01", None) in found


def test_coordinated_predicates_share_a_date_when_only_one_is_given(claims_of):
    found = claims_of("Lula visited Beijing last April and held talks with Xi Jinping.", "meeting")
    assert ("Luiz Inácio Lula da Silva", "Xi Jinping", "2025-04", None) in found


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Trade grew under the leadership of Narendra Modi and Emmanuel Macron.", "leader_of",
                 ("Narendra Modi", "India", None, None), id="leadership-of"),
    pytest.param("Syria recruited Russian mercenaries for operations against Turkey.", "military_action",
                 ("Syria", "Turkey", None, None), id="for-operations-against"),
    pytest.param("Qatar has become Lebanon's main economic lifeline.", "economic_support",
                 ("Qatar", "Lebanon", None, None), id="economic-lifeline"),
])
def test_leadership_operations_and_lifelines(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Algeria rejected the claims, and its foreign ministry summoned the French ambassador.",
                 "diplomatic_protest", ("Algeria", "France", None, None), id="its-institution-is-the-subject"),
    pytest.param("Tonga's king, who hosted Chinese President Xi Jinping last year, praised the talks.", "meeting",
                 ("Tonga", "Xi Jinping", "2024", None), id="unknown-title-holder-is-the-state"),
    pytest.param("Caracas called the U.S. measures \"unlawful\" on Friday.", "opposition",
                 ("Venezuela", "United States", "2025-10-10", None), id="called-measures-unlawful"),
    pytest.param("Some 2,000 Burundian soldiers are fighting in eastern Congo.", "deployment",
                 ("Burundi", "DR Congo", None, 2000), id="troops-fighting-in"),
    pytest.param("ECOWAS voted to readmit Guinea.", "membership_joined",
                 ("Guinea", "Economic Community of West African States", None, None), id="readmitted"),
])
def test_subjects_titles_and_readmissions(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


@pytest.mark.parametrize("text, expected", [
    pytest.param("Switzerland marks two centuries of permanent neutrality.", ("Switzerland", None, None, None),
                 id="marks-neutrality"),
    pytest.param("The minister described Indonesia's position on the conflict as neutral.",
                 ("Indonesia", None, None, None), id="position-as-neutral"),
])
def test_neutrality_phrasings(claims_of, text, expected):
    assert expected in claims_of(text, "neutrality")


def test_events_with_partners_highlight_alliances(claims_of):
    found = claims_of("Talks with Luiz Inácio Lula da Silva and Cyril Ramaphosa underline China's growing partnerships.",
                      "alignment")
    assert {(f[0], f[1]) for f in found} >= {("China", "Brazil"), ("China", "South Africa")}


def test_a_warning_of_potential_consequences_is_itself_asserted():
    gaz = gazetteer.load()
    extractor = Extractor(gaz, patterns.load())
    warned = extractor.extract(read_article(b"Japan warned of possible consequences for China's actions.\n", "t.txt"))
    reported = extractor.extract(read_article(b"Japan reportedly warned of consequences for China's actions.\n", "t.txt"))
    assert [c.hedged for c in warned.claims if c.type == "opposition"] == [False]
    assert [c.hedged for c in reported.claims if c.type == "opposition"] == [True]


@pytest.mark.parametrize("verb", ["defended", "also said", "already left", "declared", "added"])
def test_a_new_name_never_takes_the_start_of_the_next_word(claims_of, verb):
    found = claims_of(f"Ecuadorian President Daniel Noboa {verb} the plan.", "leader_of")
    assert found == [("Daniel Noboa", "Ecuador", None, None)]


def test_a_particle_inside_a_name_is_kept(claims_of):
    found = claims_of("Brazilian President Luiz Inácio Lula da Silva spoke.", "leader_of")
    assert [f[0] for f in found] == ["Luiz Inácio Lula da Silva"]


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Morocco handed a note of protest to Spain's ambassador on Monday.", "diplomatic_protest",
                 ("Morocco", "Spain", "2025-10-06", None), id="note-of-protest"),
    pytest.param("Mali and Niger recalled their ambassadors from Algeria.", "diplomatic_protest",
                 ("Niger", "Algeria", None, None), id="recalled-ambassadors"),
    pytest.param("Chilean President Gabriel Boric was received at the Elysee Palace by Emmanuel Macron.", "visit",
                 ("Gabriel Boric", "France", None, None), id="was-received-at"),
    pytest.param("Japanese Prime Minister Shigeru Ishiba hosted Indian Prime Minister Narendra Modi.", "visit",
                 ("Narendra Modi", "Japan", None, None), id="hosted-guest-visits-the-hosts-state"),
    pytest.param("Washington has backed Kyiv throughout the war.", "alignment",
                 ("United States", "Ukraine", None, None), id="backed"),
    pytest.param("Some 300 Rwandan police officers landed in Mozambique.", "deployment",
                 ("Rwanda", "Mozambique", None, 300), id="police-landed-in"),
    pytest.param("Poland hosted some two thousand U.S. soldiers for the drills.", "deployment",
                 ("United States", "Poland", None, 2000), id="host-hosted-troops"),
    pytest.param("The IMF approved a $3 billion bailout for Sri Lanka.", "economic_support",
                 ("International Monetary Fund", "Sri Lanka", None, None), id="approved-bailout-for"),
    pytest.param("Israeli forces shelled villages in southern Lebanon.", "military_action",
                 ("Israel", "Lebanon", None, None), id="shelled-places-in"),
])
def test_dev2_families(claims_of, text, type_, expected):
    assert expected in claims_of(text, type_)


def test_hitting_back_in_words_is_no_attack(claims_of):
    assert claims_of("Paris hits back at Algiers as the diplomatic row deepens.", "military_action") == []


@pytest.mark.parametrize("text, type_, expected", [
    pytest.param("Nicaragua exited UNESCO on Monday.", "membership_left", None, id="exited-unknown-org"),
    pytest.param("Hungary walked out of the ICC last year.", "membership_left",
                 ("Hungary", "International Criminal Court", "2024", None), id="walked-out-of"),
    pytest.param("The U.S. Commerce Department added six Chinese chipmakers to its entity list.", "sanction",
                 ("United States", "China", None, None), id="entity-list"),
    pytest.param("Canberra's defence agreement with Manila was ratified and entered into force in June 2024.",
                 "treaty_in_force", ("Australia", "Philippines", "2024-06", None), id="possessive-agreement-in-force"),
    pytest.param("The pact with Oman became effective in March.", "treaty_in_force", None, id="became-effective-no-parties"),
])
def test_leaving_lists_and_treaties_in_force(claims_of, text, type_, expected):
    found = claims_of(text, type_)
    if expected is None:  # a party the rules cannot resolve: no claim rather than a guess
        assert found == []
    else:
        assert expected in found
