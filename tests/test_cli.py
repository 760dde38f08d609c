"""Every command through click's runner: output formats, help, errors on stderr, exit codes."""
import csv
import io
import json

import pytest
import pyoxigraph as ox
import rdflib

from queries.cli import cli

COMMANDS = ["ingest", "ask", "query", "queries", "sparql", "claims", "export", "stats", "eval", "load", "serve", "check", "validate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(run_cli, command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"alliance-kg {command}" in result.stdout


def test_top_level_help_and_version(run_cli):
    assert "ingest" in run_cli("--help").stdout
    assert run_cli("--version").exit_code == 0


def test_ask_table_shows_answers_with_their_sentences(run_cli):
    out = run_cli("ask", "who aligned with Russia after 2022?").stdout
    assert "Belarus" in out and "000_612de2d6d769fa05.txt:" in out and "aligned more closely with Moscow" in out


def test_ask_csv_has_one_line_per_evidence(run_cli):
    rows = list(csv.DictReader(io.StringIO(run_cli("ask", "who opposed Russia?", "--format", "csv").stdout)))
    assert {"entity", "date", "source", "start", "end", "quote"} <= rows[0].keys()
    assert any(r["entity"] == "South Korea" and "summoning" in r["quote"] for r in rows)


def test_ask_a_question_it_does_not_understand(run_cli):
    result = run_cli("ask", "what will the weather be tomorrow?")
    assert result.exit_code == 1 and result.stdout == ""
    assert "cannot understand the question" in result.stderr
    assert "who aligned with Russia after 2022?" in result.stderr  # the forms it does understand, with examples


def test_query_with_params_and_a_bad_param(run_cli):
    out = json.loads(run_cli("query", "leaders-of", "--param", "state=Russia", "--format", "json").stdout)
    assert any(r["person"] == "Vladimir Putin" for r in out["rows"])
    bad = run_cli("query", "leaders-of", "--param", "state")
    assert bad.exit_code == 2 and "KEY=VALUE" in bad.stderr


def test_queries_lists_every_canned_query(run_cli):
    listed = {q["name"] for q in json.loads(run_cli("queries", "--format", "json").stdout)}
    assert {"aligned-with", "opposed-to", "neutral", "treaties-of", "deployments", "meetings-of", "leaders-of",
            "claims-about", "evidence-for", "conflicting-reports", "timeline"} <= listed


def test_sparql_text_and_file(run_cli, tmp_path):
    query = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { GRAPH ?d { ?d a ak:SourceDocument } }"
    assert json.loads(run_cli("sparql", query, "--format", "json").stdout) == [{"n": 4}]
    file = tmp_path / "q.rq"
    file.write_text(query)
    assert "4" in run_cli("sparql", str(file)).stdout
    long = f"# {'a comment longer than any file name ' * 10}\n{query}"  # no file name is this long
    assert json.loads(run_cli("sparql", long, "--format", "json").stdout) == [{"n": 4}]


def test_sparql_syntax_error_is_one_line_on_stderr(run_cli):
    result = run_cli("sparql", "SELECT WHERE {")
    assert result.exit_code == 1 and result.stderr.startswith("Error: sparql:")


def test_claims_formats_agree(run_cli):
    jsonl = [json.loads(line) for line in run_cli("claims", "--format", "jsonl").stdout.splitlines()]
    as_json = json.loads(run_cli("claims", "--format", "json").stdout)
    as_csv = list(csv.DictReader(io.StringIO(run_cli("claims", "--format", "csv").stdout)))
    assert jsonl == as_json and len(as_csv) == len(jsonl)
    assert "deployment" in run_cli("claims").stdout


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("trig", "trig"), ("nquads", "nquads"),
                                           ("jsonld", "json-ld")])
def test_export_formats_parse(run_cli, tmp_path, fmt, parse_as):
    target = tmp_path / f"graph.{fmt}"
    assert run_cli("export", "--format", fmt, "-o", str(target)).exit_code == 0
    graph = rdflib.Dataset() if parse_as != "turtle" else rdflib.Graph()
    graph.parse(target, format=parse_as)
    assert len(graph) > 0 or len(list(graph.quads())) > 1000


def test_export_to_stdout_round_trips_every_quad(run_cli, seed_store):
    data = run_cli("export", "--format", "nquads").stdout.encode()
    assert len(list(ox.parse(data, format=ox.RdfFormat.N_QUADS))) == len(seed_store)


def test_stats(run_cli):
    stats = json.loads(run_cli("stats", "--format", "json").stdout)
    assert stats["documents"] == 4 and stats["claims"] > 40 and stats["claims: treaty_signed"] >= 2


def test_store_from_environment(seed_store_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("ALLIANCE_KG_STORE", str(seed_store_path))
    result = CliRunner().invoke(cli, ["stats", "--format", "json"])
    assert json.loads(result.stdout)["documents"] == 4


def test_querying_a_missing_store_says_so(run_cli, tmp_path):
    result = run_cli("stats", store=tmp_path / "nothing")
    assert result.exit_code == 1 and "no store there yet" in result.stderr
