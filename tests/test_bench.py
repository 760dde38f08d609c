"""`alliance-kg bench` (bench/run.py): a smoke run on tiny data gives every section and every canned query, and
a query that runs past its timeout is stopped while the others are still measured. No timing is asserted."""
import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from bench.run import PAGE_SUFFIX, Settings, _count, _run_queries, choose_params, settings_from_options
from ingest.store import Store
from queries.catalog import canned
from queries.cli import cli
from queries.runner import PAGE_SIZE

# Three unrelated triple patterns: some 10^11 solutions on the seed store, so it never finishes in time.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?a ?b ?c } GRAPH ?h { ?d ?e ?f } GRAPH ?i { ?x ?y ?z } }"
QUICK = "SELECT ?s WHERE { GRAPH ?g { ?s a ?t } } LIMIT 5"
BROKEN = "SELECT ?s WHERE { GRAPH ?g { ?s a ?t }"


def test_quick_bench_writes_every_section_and_prints_the_tables(tmp_path):
    output = tmp_path / "bench.json"
    result = CliRunner().invoke(cli, ["bench", "--quick", "--jobs", "2", "--skip", "rdflib,check",
                                      "--workdir", str(tmp_path / "work"), "--output", str(output)])
    assert result.exit_code == 0, result.output + (result.stderr if result.stderr_bytes else "")
    data = json.loads(output.read_text("utf-8"))
    for section in ("settings", "machine", "corpus", "ingest", "linearity", "triples_per_article", "store_size",
                    "queries", "rdflib", "server", "validate", "check", "phase_seconds", "notes", "seconds"):
        assert section in data, section

    runs = {(r["corpus"], r["jobs"]): r for r in data["ingest"]}
    assert set(runs) == {("small", 1), ("small", 2), ("large", 1), ("large", 2)}
    assert runs["large", 2]["articles"] == 100 and runs["small", 2]["articles"] == 10
    for run in runs.values():
        assert run["failed"] == 0 and run["sentences_per_s"] > 0 and run["mb_per_s"] > 0 and run["peak_rss_mib"] > 0
        assert run["store_mib"] > 0
    assert runs["large", 2]["worker_peak_rss_mib"] > 0 and runs["large", 1]["worker_peak_rss_mib"] is None
    assert runs["large", 1]["triples"] == runs["large", 2]["triples"]  # the same graph either way
    assert set(data["linearity"]) == {"jobs=1", "jobs=2"} and data["store_size"]["mib_per_1000_articles"] > 0

    assert [scale["target_triples"] for scale in data["queries"]] == [10_000, 20_000]
    for scale in data["queries"]:
        assert scale["triples"] >= scale["target_triples"] * 0.99
        # each canned query whole, and its first page as 'alliance-kg query' shows it
        assert {q["name"] for q in scale["queries"]} == set(canned()) | {n + PAGE_SUFFIX for n in canned()}
        for q in scale["queries"]:
            assert q["median_ms"] > 0 and q["p95_ms"] >= q["median_ms"] and q["rows"] is not None, q
        rows = {q["name"]: q["rows"] for q in scale["queries"]}
        for name in canned():  # a page holds at most PAGE_SIZE answers, and an answer at least one row
            assert rows[name + PAGE_SUFFIX] <= min(PAGE_SIZE, rows[name]), name
    assert data["queries"][1]["articles"] > data["queries"][0]["articles"]  # the same store, grown
    assert all(scale["lookup_us"] > 0 for scale in data["queries"])
    exports = [scale["export"] for scale in data["queries"]]
    assert all(e["seconds"] > 0 and e["mb"] > 0 and e["peak_rss_mib"] > 0 for e in exports)
    assert 0 < exports[0]["claims"] < exports[1]["claims"]  # the grown store has more to export
    assert data["machine"]["cpu_reference_ms_at_start"] > 0 and data["machine"]["cpu_reference_ms_at_end"] > 0

    assert data["rdflib"] == {"skipped": "--skip rdflib"} and data["check"] == {"skipped": "--skip check"}
    assert data["validate"]["result"] == {"violations": 0, "documents": 100} and data["validate"]["seconds"] > 0
    if shutil.which("oxigraph"):
        assert data["server"]["documents"] == 10 and data["server"]["first_triples_per_s"] > 0
    else:
        assert "skipped" in data["server"]

    for heading in ("CPU reference", "Ingest", "Linearity", "Store size", "Canned queries", "one index lookup",
                    "claims export", "check and validate"):
        assert heading in result.stdout
    assert all(name in result.stdout for name in canned())


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_query_past_the_timeout_is_stopped_and_a_broken_one_reported_and_the_next_one_still_runs(
        engine, seed_store_path, tmp_path):
    source = seed_store_path
    if engine == "rdflib":
        source = tmp_path / "seeds.nq"
        source.write_bytes(Store(seed_store_path, read_only=True).dump(ox.RdfFormat.N_QUADS))
    chosen = [("endless", {}, ENDLESS), ("broken", {}, BROKEN), ("quick", {}, QUICK)]
    timings, extra = _run_queries(engine, source, chosen, runs=3, timeout=2.0, log=lambda line: None)
    endless, broken, quick = timings
    assert endless.timed_out and endless.median_ms is None and endless.runs == 0 and endless.error is None
    assert broken.error and broken.median_ms is None and not broken.timed_out
    assert not quick.timed_out and quick.rows == 5 and quick.runs == 3 and quick.median_ms > 0
    assert extra["peak_rss_mib"] > 0


def test_parameters_are_the_states_most_often_in_each_role(seed_store):
    chosen = {name: params for name, params, _, _ in choose_params(seed_store)}
    assert set(chosen) == set(canned())
    assert chosen["aligned-with"] == {"state": "Russia", "after": "2022"}
    assert chosen["evidence-for"] == {"holder": "North Korea", "stance": "aligned", "toward": "Russia"}
    assert chosen["claims"] == {"kind": "alignment"} and chosen["conflicting-reports"] == {}


def test_options_are_read_and_checked():
    settings = settings_from_options(query_triples="10M,1M", runs="20,5", skip="rdflib, check")
    assert settings.query_triples == (1_000_000, 10_000_000) and settings.runs == (20, 5)
    assert settings.skip == {"rdflib", "check"} and settings.articles == Settings.articles
    assert settings_from_options(quick=True, articles=300).articles == 300
    result = CliRunner().invoke(cli, ["bench", "--skip", "nothing"])
    assert result.exit_code == 2 and "unknown phase nothing" in result.stderr
    result = CliRunner().invoke(cli, ["bench", "--query-triples", "lots"])
    assert result.exit_code == 2 and "--query-triples: 'lots' is not a number" in result.stderr


def test_counts_read_in_three_figures():
    assert [_count(n) for n in (999_938, 10_096_339, 20_000, 999_499, 9_999, 999)] == \
        ["1M", "10.1M", "20k", "999k", "10k", "999"]
