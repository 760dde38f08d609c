"""Answers a page at a time: every page of a canned query holds exactly the answers the whole answer holds there,
whether the query reads its pages through a page reader (queries/pages/), by document (the claims) or is run whole
and cut."""
import json

import pytest

from bench.corpus import generate
from conftest import ARTICLES, CONFLICTS
from ingest.pipeline import ingest
from ingest.store import Store
from queries import formatting as fmt
from queries import runner
from queries.catalog import canned, pages
from test_queries import EXPECTED

# parameter sets that reach each filter of a page reader (the generated corpus dates its articles 2015 to 2026)
VARIANTS = {"neutral": [{}, {"after": "2020"}, {"before": "2019-06"}, {"after": "2017", "before": "2025"},
                        {"toward": "Russia"}, {"toward": "Russia", "after": "2021"}],
            "claims-about": [{"entity": "Russia"}, {"entity": "Belarus"}, {"entity": "Vladimir Putin"},
                             {"entity": "NATO"}],
            "claims": [{"kind": "alignment"}, {"kind": "neutrality"}, {"kind": "treaty_signed"}]}


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory) -> Store:
    """The seed articles and 80 generated ones: enough answers for pages of several sizes."""
    folder = tmp_path_factory.mktemp("paging")
    generate(folder / "generated", 80, seed=3)
    report = ingest([ARTICLES, folder / "generated"], Store(folder / "store"))
    assert report.ok
    store = Store(folder / "store", read_only=True)
    yield store
    store.close()


def test_every_page_reader_belongs_to_a_canned_query_and_names_its_answer_columns(seed_store):
    assert pages() and set(pages()) <= set(canned())
    for name, reader in pages().items():
        answer = runner.run(seed_store, name, EXPECTED[name][0])
        keys = [c for c in answer.columns if c not in ("date", "date_basis", "hedged", "sources")]
        assert sorted(reader.answer) == sorted(keys), name
        assert "# PAGE " in canned()[name].text, name


# More reports that disagree (the generated articles above have none): with CONFLICTS, 11 answers
MORE_CONFLICTS = ["Chad has sent 1,500 troops to Mali.",
                  "Chad has sent 1,800 troops to Niger.",
                  "Chad has sent 2,500 troops to Niger, the army said.",
                  "Kenya has sent 3,000 troops to Somalia.",
                  "Kenya has sent 4,000 troops to Somalia, officials said.",
                  "Kenya has sent 5,000 troops to Somalia, a minister said."]


@pytest.fixture(scope="module")
def conflicts_store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("conflicts")
    articles = folder / "articles"
    articles.mkdir()
    for n, text in enumerate(CONFLICTS + MORE_CONFLICTS):
        (articles / f"{n:02d}.txt").write_text(text + "\n", "utf-8")
    assert ingest([articles], Store(folder / "store")).ok
    store = Store(folder / "store", read_only=True)
    yield store
    store.close()


def assert_pages_put_together_are_the_whole_answer(store: Store, name: str, params: dict, least: int = 0):
    whole = runner.run(store, name, params)
    assert whole.total == len(whole.rows) >= least and whole.offset == 0
    for size in (1, 3, 7):
        pieces = []
        for offset in range(0, whole.total + size, size):
            page = runner.run(store, name, params, offset=offset, limit=size)
            assert page.total == whole.total and page.offset == offset
            assert page.rows == whole.rows[offset:offset + size], (name, params, size, offset)
            pieces += page.rows
        assert pieces == whole.rows


@pytest.mark.parametrize("name", sorted(canned()))
def test_pages_put_together_are_the_whole_answer(corpus_store, name):
    for params in VARIANTS.get(name, [EXPECTED[name][0]]):
        least = 10 if name in VARIANTS and params == {} else 0  # enough answers to page through
        assert_pages_put_together_are_the_whole_answer(corpus_store, name, params, least)


@pytest.mark.parametrize("params, answers", [({}, 11), ({"state": "Mali"}, 2), ({"state": "Peru"}, 2)])
def test_pages_of_conflicting_reports_put_together_are_the_whole_answer(conflicts_store, params, answers):
    assert_pages_put_together_are_the_whole_answer(conflicts_store, "conflicting-reports", params, answers)


def test_a_page_reader_reads_only_the_evidence_of_its_page(corpus_store):
    """The canned query run with a page's values returns rows of that page's holders only."""
    query, reader = canned()["neutral"], pages()["neutral"]
    first = runner.run(corpus_store, "neutral", {}, limit=1).rows[0]
    rows = corpus_store.select(runner.paged_text(runner.bound_text(query, runner.bind_params(query, {})), reader,
                                                 [(runner.resolve_entity(first["entity_id"]),)])).rows
    assert rows and {r["entity_id"].value for r in rows} == {first["entity_id"]}


def test_query_shows_a_page_and_says_how_to_see_the_rest(run_cli, corpus_store):
    total = runner.run(corpus_store, "claims-about", {"entity": "Russia"}).total
    assert total > runner.PAGE_SIZE
    shown = run_cli("query", "claims-about", "--param", "entity=Russia", "--format", "json", store=corpus_store.path)
    answer = json.loads(shown.stdout)
    assert (len(answer["rows"]), answer["offset"], answer["total"]) == (runner.PAGE_SIZE, 0, total)
    assert f"answers 1–{runner.PAGE_SIZE} of {total}; the next ones: --offset {runner.PAGE_SIZE}" in shown.stderr

    rest = run_cli("query", "claims-about", "--param", "entity=Russia", "--format", "json", "--offset", "20",
                   "--limit", "5", store=corpus_store.path)
    assert [r["subject"] for r in json.loads(rest.stdout)["rows"]] == \
        [r["subject"] for r in runner.run(corpus_store, "claims-about", {"entity": "Russia"}).rows[20:25]]

    everything = run_cli("query", "claims-about", "--param", "entity=Russia", "--format", "json", "--all",
                         store=corpus_store.path)
    assert len(json.loads(everything.stdout)["rows"]) == total and everything.stderr == ""


def test_a_page_past_the_last_answer_is_empty_and_says_so(run_cli):
    result = run_cli("query", "neutral", "--offset", "50")
    assert result.exit_code == 0 and result.stdout.strip() == "(no results)"
    assert result.stderr.strip() == "no answers from --offset 50 on: there are 1"


def test_ask_pages_too(run_cli):
    first = run_cli("ask", "who aligned with Russia?", "--limit", "1", "--format", "json")
    second = run_cli("ask", "who aligned with Russia?", "--limit", "1", "--offset", "1", "--format", "json")
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["total"] == two["total"] > 1 and len(one["rows"]) == len(two["rows"]) == 1
    assert one["rows"][0]["entity"] != two["rows"][0]["entity"]
    assert "--offset 1" in first.stderr


@pytest.mark.parametrize("option", [("--limit", "0"), ("--offset", "-1")])
def test_bad_page_options_are_refused(run_cli, option):
    result = run_cli("query", "neutral", *option)
    assert result.exit_code == 2 and option[0] in result.stderr


@pytest.mark.parametrize("documents", [1, 3, runner.EXPORT_DOCUMENTS])
def test_the_claims_export_read_a_few_documents_at_a_time_is_the_whole_query(corpus_store, monkeypatch, documents):
    monkeypatch.setattr(runner, "EXPORT_DOCUMENTS", documents)
    whole = runner.run_flat(corpus_store, "claims", {}).rows
    told = []
    exported = list(runner.claims(corpus_store, progress=lambda read, documents: told.append((read, documents))))
    assert len(whole) > 1000 and len(exported) == len(whole)
    assert [read for read, _ in told] == [min(n * documents, 84) for n in range(1, len(told) + 1)]
    assert told[-1] == (84, 84)  # the 4 seeds and 80 generated articles
    assert exported == [{**{f: runner.python_value(row[f]) for f in runner.CLAIM_FIELDS},
                         **({} if runner.python_value(row["basis"]) == "stated" else {"date": None})} for row in whole]


def test_the_claims_export_streams_in_every_format(corpus_store, tmp_path):
    """The export is written as it is read; put together, each format's text is what the whole listing gives."""
    records = list(runner.claims(corpus_store))
    assert "".join(fmt.json_pieces(iter(records))) == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    assert "".join(fmt.jsonl_pieces(iter(records))).splitlines() == [json.dumps(r, ensure_ascii=False) for r in records]
    lines = "".join(fmt.csv_pieces(list(runner.CLAIM_FIELDS), iter(records))).splitlines()
    assert len(lines) >= len(records) + 1 and lines[0] == ",".join(runner.CLAIM_FIELDS)
    assert "".join(fmt.json_pieces(iter([]))) == "[]\n" and list(fmt.jsonl_pieces(iter([]))) == []
