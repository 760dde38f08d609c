"""Every claim type the rule files know (summit aside), read from sentences written for these tests.

Each case names one claim type and the exact (actor, counterpart) pairs the sentence must yield for it, by the
entities' labels, plus any date, quantity, place, office or treaty name the claim must carry. Negation, hedge,
date and evidence-span tests follow the per-type tables.
"""
from __future__ import annotations

import pytest

from ingest import gazetteer, patterns
from ingest.extract import Extraction, Extractor
from ingest.reader import read_article

GAZ = gazetteer.load()
EXTRACTOR = Extractor(GAZ, patterns.load())
PUBLISHED = "March 3, 2025"  # a first line holding only a date: the publication date


def extract(text: str, published: str | None = None) -> Extraction:
    if published:
        text = f"{published}\n{text}"
    return EXTRACTOR.extract(read_article(text.encode(), "test.txt"))


def label(iri: str | None, result: Extraction) -> str | None:
    """An entity's label: from the gazetteer, or from the entities the article introduced."""
    if iri is None:
        return None
    entity = GAZ.entities.get(iri) or result.entities.get(iri)
    assert entity is not None, iri
    return entity.label


def case(id, text, type_, pairs, **expected):
    """pairs: the (actor, counterpart) labels of every claim of ``type_``, in order of extraction."""
    return pytest.param(text, type_, pairs if isinstance(pairs, list) else [pairs], expected, id=id)


def check(text, type_, pairs, expected):
    expected = dict(expected)
    result = extract(text, expected.pop("published", None))
    claims = [c for c in result.claims if c.type == type_]
    assert [(label(c.actor, result), label(c.counterpart, result)) for c in claims] == pairs
    for c in claims:
        assert c.hedged is expected.get("hedged", False)
        if "date" in expected:
            assert (c.date and c.date.iso) == expected["date"]
        if "quantity" in expected:
            assert c.quantity is not None and c.quantity.value == expected["quantity"]
        if "place" in expected:
            assert c.place == expected["place"]
        if "office" in expected:
            assert c.office == expected["office"]
        if "against" in expected:
            assert label(c.against, result) == expected["against"]
        if "treaty" in expected:
            assert c.treaty is not None and c.treaty.name == expected["treaty"]


# --- stances -------------------------------------------------------------------------------------------
STANCES = [
    case("alignment-sided-with-metonym", "Belarus has long sided with Moscow on every major vote.",
         "alignment", ("Belarus", "Russia")),
    case("alignment-are-partners", "Serbia and Hungary are close partners inside Europe.",
         "alignment", ("Serbia", "Hungary")),
    case("alignment-strengthened-ties-capital", "Pakistan strengthened its defence ties with Beijing.",
         "alignment", ("Pakistan", "China")),
    case("alignment-possessive-partnership", "Iran's growing partnership with Russia alarmed Gulf capitals.",
         "alignment", ("Iran", "Russia")),
    case("alignment-ties-between-deepened", "Ties between Cuba and Venezuela have deepened.",
         "alignment", ("Cuba", "Venezuela")),
    case("alignment-with-list", "Nicaragua aligned itself with Russia, China and Iran.",
         "alignment", [("Nicaragua", "Russia"), ("Nicaragua", "China"), ("Nicaragua", "Iran")]),
    case("opposition-condemned-metonym", "Poland condemned the Kremlin after the border incident.",
         "opposition", ("Poland", "Russia")),
    case("opposition-leader-apposition", "French President Emmanuel Macron sharply criticised Iran.",
         "opposition", ("France", "Iran")),
    case("opposition-concern-possessive", "Canada voiced grave concern over Venezuela's crackdown.",
         "opposition", ("Canada", "Venezuela")),
    case("opposition-warned-capital", "Beijing warned of countermeasures against the Philippines.",
         "opposition", ("China", "Philippines")),
    case("opposition-accused-metonyms", "Tehran accused Washington of sabotage.",
         "opposition", ("Iran", "United States")),
    case("opposition-nominal", "Lithuania's criticism of China drew a trade boycott.",
         "opposition", ("Lithuania", "China")),
    case("neutrality-reaffirmed", "Switzerland reaffirmed its neutrality in the conflict.",
         "neutrality", ("Switzerland", None)),
    case("neutrality-remains", "Austria remains strictly neutral.", "neutrality", ("Austria", None)),
    case("neutrality-toward", "India stayed neutral toward Russia.", "neutrality", ("India", "Russia")),
    case("neutrality-policy-of", "Turkmenistan adheres to a policy of permanent neutrality.",
         "neutrality", ("Turkmenistan", None)),
]


@pytest.mark.parametrize("text, type_, pairs, expected", STANCES)
def test_stances(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- treaties ------------------------------------------------------------------------------------------
TREATIES = [
    case("signed-with-day", "Vietnam signed a comprehensive strategic partnership agreement with Australia "
         "on 7 March 2024.", "treaty_signed", ("Vietnam", "Australia"), date="2024-03-07"),
    case("signed-passive", "A mutual defence treaty was signed by Armenia and France.",
         "treaty_signed", ("Armenia", "France")),
    case("signed-coordinated-the", "Japan and the Philippines signed a reciprocal access agreement in July 2024.",
         "treaty_signed", ("Japan", "Philippines"), date="2024-07"),
    case("signed-named-by-leaders", "Russian President Vladimir Putin and Kim Jong Un signed the Treaty on "
         "Comprehensive Strategic Partnership in June 2024.", "treaty_signed", ("Russia", "North Korea"),
         date="2024-06", treaty="Treaty on Comprehensive Strategic Partnership"),
    case("in-force-named", "The Treaty on Friendship and Cooperation between Kazakhstan and Uzbekistan "
         "entered into force in 2023.", "treaty_in_force", ("Kazakhstan", "Uzbekistan"), date="2023"),
    case("in-force-relative", "The defence pact between Greece and Egypt came into force last year.",
         "treaty_in_force", ("Greece", "Egypt"), date="2024", published=PUBLISHED),
]


@pytest.mark.parametrize("text, type_, pairs, expected", TREATIES)
def test_treaties(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- deployments ---------------------------------------------------------------------------------------
DEPLOYMENTS = [
    case("active-digits", "Germany deployed 5,000 troops to Lithuania.", "deployment", ("Germany", "Lithuania"),
         quantity=5000),
    case("passive-number-words", "Two thousand Chadian soldiers were deployed to Mali.", "deployment",
         ("Chad", "Mali"), quantity=2000),
    case("active-number-words", "Rwanda sent one thousand soldiers to Mozambique.", "deployment",
         ("Rwanda", "Mozambique"), quantity=1000),
    case("stationed-demonym", "Turkish troops are stationed in Qatar.", "deployment", ("Turkey", "Qatar")),
    case("metonym", "The Pentagon dispatched additional troops to Poland.", "deployment",
         ("United States", "Poland")),
    case("possessive-region", "Belarusian troops arrived in Russia's Kursk region.", "deployment",
         ("Belarus", "Russia"), place="Kursk region"),
]


@pytest.mark.parametrize("text, type_, pairs, expected", DEPLOYMENTS)
def test_deployments(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- meetings, visits, protests, expulsions ------------------------------------------------------------
DIPLOMACY = [
    case("meeting-talks-with", "Erdoğan held talks with Putin in Sochi.", "meeting",
         ("Recep Tayyip Erdoğan", "Vladimir Putin"), place="Sochi"),
    case("meeting-leaders-met", "French President Emmanuel Macron and German Chancellor Olaf Scholz met in "
         "Berlin.", "meeting", ("Emmanuel Macron", "Olaf Scholz"), place="Berlin"),
    case("meeting-counterpart", "Lavrov met his Chinese counterpart Wang Yi in Beijing.", "meeting",
         ("Sergey Lavrov", "Wang Yi"), place="Beijing"),
    case("meeting-talks-between", "Talks between Saudi Arabia and Iran resumed.", "meeting",
         ("Saudi Arabia", "Iran")),
    case("meeting-unlinked-person", "Colombia's President Gustavo Petro met Venezuelan President Nicolás Maduro "
         "in Caracas.", "meeting", ("Gustavo Petro", "Nicolás Maduro"), place="Caracas"),
    case("visit-capital", "Indian Prime Minister Narendra Modi visited Kyiv in August 2024.", "visit",
         ("Narendra Modi", "Ukraine"), place="Kyiv", date="2024-08"),
    case("visit-possessive", "Kim Jong Un's visit to Russia lasted six days.", "visit",
         ("Kim Jong Un", "Russia"), place="Russia"),
    case("visit-travelled", "Zelenskyy travelled to Washington for talks.", "visit",
         ("Volodymyr Zelenskyy", "United States"), place="Washington"),
    case("visit-paid", "Modi paid a state visit to the United States.", "visit",
         ("Narendra Modi", "United States"), place="United States"),
    case("protest-summoned-demonym", "China summoned the Japanese ambassador.", "diplomatic_protest",
         ("China", "Japan")),
    case("protest-summoned-passive", "The Dutch ambassador was summoned by Turkey.", "diplomatic_protest",
         ("Turkey", "Netherlands")),
    case("protest-possessive-envoy", "Sweden summoned Iran's ambassador.", "diplomatic_protest",
         ("Sweden", "Iran")),
    case("protest-lodged-capitals", "Seoul lodged a formal protest with Tokyo.", "diplomatic_protest",
         ("South Korea", "Japan")),
    case("protest-protested-to", "Moldova protested to Russia over the airspace violation.",
         "diplomatic_protest", ("Moldova", "Russia")),
    case("expulsion-number-words", "Poland expelled two Russian diplomats.", "expulsion", ("Poland", "Russia")),
    case("expulsion-passive", "Ten German diplomats were expelled from Russia.", "expulsion",
         ("Russia", "Germany")),
    case("expulsion-capital", "Beijing expelled a Canadian diplomat.", "expulsion", ("China", "Canada")),
    case("expulsion-persona-non-grata", "Estonia declared a Russian diplomat persona non grata.", "expulsion",
         ("Estonia", "Russia")),
]


@pytest.mark.parametrize("text, type_, pairs, expected", DIPLOMACY)
def test_diplomacy(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- membership ----------------------------------------------------------------------------------------
ECOWAS = "Economic Community of West African States"
CSTO = "Collective Security Treaty Organization"
MEMBERSHIP = [
    case("joined-month", "Sweden joined NATO in March 2024.", "membership_joined", ("Sweden", "NATO"),
         date="2024-03"),
    case("joined-coordinated-the", "Egypt, Ethiopia, Iran and the United Arab Emirates joined BRICS.",
         "membership_joined", [("Egypt", "BRICS"), ("Ethiopia", "BRICS"), ("Iran", "BRICS"),
                               ("United Arab Emirates", "BRICS")]),
    case("became-member", "Indonesia became a member of BRICS.", "membership_joined", ("Indonesia", "BRICS")),
    case("possessive-accession", "Finland's accession to NATO was completed in April 2023.",
         "membership_joined", ("Finland", "NATO"), date="2023-04"),
    case("admitted", "NATO admitted Montenegro as its 29th member.", "membership_joined",
         ("Montenegro", "NATO")),
    case("joined-against", "Finland joined NATO to protect itself against Russia.", "membership_joined",
         ("Finland", "NATO"), against="Russia"),
    case("left-coordinated", "Mali, Niger and Burkina Faso withdrew from ECOWAS.", "membership_left",
         [("Mali", ECOWAS), ("Niger", ECOWAS), ("Burkina Faso", ECOWAS)]),
    case("froze-participation", "Armenia froze its participation in the CSTO.", "membership_left",
         ("Armenia", CSTO)),
    case("quit-year", "Uzbekistan quit the CSTO in 2012.", "membership_left", ("Uzbekistan", CSTO), date="2012"),
    case("pulled-out", "Qatar pulled out of OPEC in January 2019.", "membership_left", ("Qatar", "OPEC"),
         date="2019-01"),
]


@pytest.mark.parametrize("text, type_, pairs, expected", MEMBERSHIP)
def test_membership(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- sanctions, arms and economic support, military action ---------------------------------------------
MEASURES = [
    case("sanction-imposed", "The European Union imposed new sanctions on Iran.", "sanction",
         ("European Union", "Iran")),
    case("sanction-verb", "Australia sanctioned Myanmar.", "sanction", ("Australia", "Myanmar")),
    case("sanction-passive", "Venezuela has been sanctioned by the United States.", "sanction",
         ("United States", "Venezuela")),
    case("sanction-coordinated-the", "Canada, Japan and the UK imposed sanctions on Russia.", "sanction",
         [("Canada", "Russia"), ("Japan", "Russia"), ("United Kingdom", "Russia")]),
    case("sanction-metonym", "Washington slapped sanctions on Cuba.", "sanction", ("United States", "Cuba")),
    case("sanction-passive-nominal", "Sanctions on Syria were imposed by the European Union.", "sanction",
         ("European Union", "Syria")),
    case("sanction-officials", "Britain imposed sanctions on three Iranian officials.", "sanction",
         ("United Kingdom", "Iran")),
    case("arms-supplied-to", "Iran supplied drones to Russia.", "arms_supply", ("Iran", "Russia")),
    case("arms-provided-with", "The United States provided Ukraine with air defence systems.", "arms_supply",
         ("United States", "Ukraine")),
    case("arms-bought-demonym", "Saudi Arabia bought Chinese missiles.", "arms_supply",
         ("China", "Saudi Arabia")),
    case("arms-model-number", "Turkey bought Russian S-400 missiles.", "arms_supply", ("Russia", "Turkey")),
    case("arms-possessive-purchase", "Turkey's purchase of Russian air defence systems angered Washington.",
         "arms_supply", ("Russia", "Turkey")),
    case("arms-passive-demonym", "German tanks were delivered to Ukraine.", "arms_supply",
         ("Germany", "Ukraine")),
    case("arms-passive-by", "Artillery shells were shipped to Russia by North Korea.", "arms_supply",
         ("North Korea", "Russia")),
    case("arms-received-from", "Poland received Korean-made howitzers from South Korea.", "arms_supply",
         ("South Korea", "Poland")),
    case("arms-military-aid-amount", "The United States pledged $2 billion in military aid to Taiwan.",
         "arms_supply", ("United States", "Taiwan")),
    case("economic-extended-loan", "China extended a loan to Pakistan.", "economic_support",
         ("China", "Pakistan")),
    case("economic-received-demonym", "Sri Lanka received Indian economic assistance.", "economic_support",
         ("India", "Sri Lanka")),
    case("economic-pledged-amount", "Japan pledged $4.5 billion in financial aid to Ukraine.",
         "economic_support", ("Japan", "Ukraine")),
    case("economic-received-from", "Pakistan received a $3 billion loan from Saudi Arabia.", "economic_support",
         ("Saudi Arabia", "Pakistan")),
    case("economic-double-object", "The United Arab Emirates gave Egypt a $5 billion loan.", "economic_support",
         ("United Arab Emirates", "Egypt")),
    case("military-invaded-month", "Russia invaded Ukraine in February 2022.", "military_action",
         ("Russia", "Ukraine"), date="2022-02"),
    case("military-demonym-strikes", "Israeli strikes on Iran intensified.", "military_action",
         ("Israel", "Iran")),
    case("military-attacked", "Azerbaijan attacked Armenia.", "military_action", ("Azerbaijan", "Armenia")),
    case("military-invasion-by", "The invasion of Kuwait by Iraq shocked the region.", "military_action",
         ("Iraq", "Kuwait")),
    case("military-possessive-invasion", "Russia's full-scale invasion of Ukraine began in 2022.",
         "military_action", ("Russia", "Ukraine"), date="2022"),
    case("military-troops-attacked", "Russian troops attacked Ukrainian positions.", "military_action",
         ("Russia", "Ukraine")),
    case("military-metonym-launched", "Moscow launched a missile attack on Kyiv.", "military_action",
         ("Russia", "Ukraine")),
    case("military-forces-fighting", "Saudi troops fighting the Houthis advanced.", "military_action",
         ("Saudi Arabia", "Houthis")),
]


@pytest.mark.parametrize("text, type_, pairs, expected", MEASURES)
def test_measures(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- office holders ------------------------------------------------------------------------------------
LEADERS = [
    case("demonym-office", "Hungarian Prime Minister Viktor Orbán met Putin.", "leader_of",
         ("Viktor Orbán", "Hungary"), office="Prime Minister"),
    case("apposition-demonym", "Vladimir Putin, the Russian President, addressed the forum.", "leader_of",
         ("Vladimir Putin", "Russia"), office="President"),
    case("apposition-possessive", "Narendra Modi, India's Prime Minister, spoke first.", "leader_of",
         ("Narendra Modi", "India"), office="Prime Minister"),
    case("office-of-state", "The Prime Minister of Japan, Fumio Kishida, arrived late.", "leader_of",
         ("Fumio Kishida", "Japan"), office="Prime Minister"),
    case("possessive-unlinked", "Colombia's President Gustavo Petro spoke.", "leader_of",
         ("Gustavo Petro", "Colombia"), office="President"),
]


@pytest.mark.parametrize("text, type_, pairs, expected", LEADERS)
def test_leaders(text, type_, pairs, expected):
    check(text, type_, pairs, expected)


# --- negation: a denied statement yields no claim of its type ------------------------------------------
@pytest.mark.parametrize("text, type_", [
    pytest.param("Serbia did not join NATO.", "membership_joined", id="did-not-join"),
    pytest.param("Argentina decided not to join BRICS.", "membership_joined", id="decided-not-to-join"),
    pytest.param("Armenia has not left the CSTO.", "membership_left", id="has-not-left"),
    pytest.param("Hungary refused to sign the pact with Ukraine.", "treaty_signed", id="refused-to-sign"),
    pytest.param("Kenya has yet to sign the trade agreement with India.", "treaty_signed", id="yet-to-sign"),
    pytest.param("India denied that it had sent troops to Russia.", "deployment", id="denied-sending"),
    pytest.param("Japan has never sanctioned India.", "sanction", id="never-sanctioned"),
    pytest.param("Neither Serbia nor Hungary sanctioned Russia.", "sanction", id="neither-nor"),
    pytest.param("Brazil declined to condemn Russia.", "opposition", id="declined-to-condemn"),
    pytest.param("Egypt no longer sides with Moscow.", "alignment", id="no-longer-sides"),
    pytest.param("Switzerland has not supplied weapons to Ukraine.", "arms_supply", id="not-supplied"),
    pytest.param("Ankara denied reports that it had shipped drones to Sudan.", "arms_supply", id="denied-reports"),
    pytest.param("Mexico has not expelled any Russian diplomats.", "expulsion", id="not-expelled"),
])
def test_negated_statements_yield_no_claim(text, type_):
    assert [c for c in extract(text).claims if c.type == type_] == []


# --- hedges and plans: every claim of the sentence is hedged --------------------------------------------
@pytest.mark.parametrize("text, type_, certainty", [
    pytest.param("Egypt reportedly supplied rockets to Russia.", "arms_supply", "hedged", id="reportedly"),
    pytest.param("Belarus may join the Alliance of Sahel States.", "membership_joined", "hedged", id="may"),
    pytest.param("Cuba could send troops to Venezuela.", "deployment", "hedged", id="could"),
    pytest.param("Kazakhstan might quit the CSTO.", "membership_left", "hedged", id="might"),
    pytest.param("Iran is believed to have shipped missiles to Russia.", "arms_supply", "hedged",
                 id="is-believed-to"),
    pytest.param("Turkey is expected to join BRICS.", "membership_joined", "hedged", id="is-expected-to"),
    pytest.param("According to unconfirmed reports, Chinese troops arrived in Cambodia.", "deployment", "hedged",
                 id="unconfirmed-reports"),
    pytest.param("Germany will send troops to Lithuania.", "deployment", "planned", id="will-send"),
    pytest.param("Vietnam will sign a trade agreement with Japan.", "treaty_signed", "planned", id="will-sign"),
    pytest.param("Russian President Vladimir Putin will visit Pyongyang.", "visit", "planned",
                 id="will-visit-with-leader"),
])
def test_hedged_and_planned_statements(text, type_, certainty):
    claims = [c for c in extract(text).claims if c.type == type_]
    assert claims
    assert all(c.hedged and c.certainty == certainty for c in claims)


def test_a_plan_does_not_hedge_the_title_before_it():
    claims = {c.type: c for c in extract("Russian President Vladimir Putin will visit Pyongyang.").claims}
    assert claims["visit"].certainty == "planned"
    assert claims["leader_of"].certainty == "asserted"


# --- dates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, type_, published, iso", [
    pytest.param("Kenya deployed troops to Haiti two years ago.", "deployment", PUBLISHED, "2023",
                 id="years-ago"),
    pytest.param("Moldova expelled Russian diplomats last month.", "expulsion", PUBLISHED, "2025-02",
                 id="last-month"),
    pytest.param("Laos joined ASEAN three months ago.", "membership_joined", PUBLISHED, "2024-12",
                 id="months-ago"),
    pytest.param("Greece summoned the Turkish ambassador yesterday.", "diplomatic_protest", PUBLISHED,
                 "2025-03-02", id="yesterday"),
    pytest.param("India and France signed a defence pact on March 1.", "treaty_signed", PUBLISHED, "2025-03-01",
                 id="month-day-of-publication-year"),
    pytest.param("Mongolia joined the SCO on 12 March 2024.", "membership_joined", None, "2024-03-12",
                 id="absolute-day"),
    pytest.param("Ghana withdrew from ECOWAS in June 2023.", "membership_left", None, "2023-06",
                 id="absolute-month"),
    pytest.param("Kenya deployed troops to Haiti two years ago.", "deployment", None, None,
                 id="relative-without-publication-date"),
])
def test_claim_dates(text, type_, published, iso):
    claims = [c for c in extract(text, published).claims if c.type == type_]
    assert len(claims) == 1
    assert (claims[0].date and claims[0].date.iso) == iso


# --- evidence: each claim's span is exactly its sentence -----------------------------------------------
SPAN_SENTENCES = [  # (sentence, words that triggered its claim)
    ("Sweden joined NATO in March 2024.", "joined"),
    ("Two thousand Chadian soldiers were deployed to Mali.", "deployed to"),
    ("Beijing expelled a Canadian diplomat.", "expelled"),
    ("The U.S. imposed new sanctions on Iran.", "sanctions on"),
    ("Lavrov met his Chinese counterpart Wang Yi in Beijing.", "met"),
    ("Japan pledged $4.5 billion in financial aid to Ukraine.", "financial aid"),
]


def test_every_claim_span_is_its_stripped_sentence():
    lines = [" ".join(s for s, _ in SPAN_SENTENCES[:3]), "   " + SPAN_SENTENCES[3][0] + "  ",
             "\t".join(s for s, _ in SPAN_SENTENCES[4:])]
    result = extract("\n\n".join(lines), PUBLISHED)
    text = result.article.text
    triggers = dict(SPAN_SENTENCES)
    assert result.claims
    covered = set()
    for c in result.claims:
        span = text[c.start:c.end]
        assert span == span.strip()
        assert span in triggers, span
        assert triggers[span] in span
        covered.add(span)
    assert covered == set(triggers)


def test_two_treaties_between_the_same_parties_in_one_month_are_two_treaties_and_the_document_is_kept():
    """Treaties are keyed by their parties and month; a second one signed on another date in that month gets a
    key of its own, so that neither has two signing dates (which the shapes refuse, losing the whole article)."""
    from ingest.pipeline import check_shapes, document_graphs

    text = ("Nauru reportedly signed a non-aggression pact with South Korea last month. Nauru and South Korea "
            "signed a free trade agreement on October 28, officials said. Nauru and South Korea signed the pact "
            "last month after long talks.")
    result = extract(text, "November 5, 2020")
    keys = [(c.treaty.key, c.treaty.date.iso) for c in result.claims if c.type == "treaty_signed"]
    assert keys == [("KOR-NRU-2020-10", "2020-10"), ("KOR-NRU-2020-10-2", "2020-10-28"), ("KOR-NRU-2020-10", "2020-10")]
    check_shapes("test.txt", document_graphs([result])[0])  # raises if a treaty had two signing dates
