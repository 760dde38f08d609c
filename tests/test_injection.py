"""Questions and parameters that look like SPARQL (quotes, braces, ``#``, newlines, INSERT and DROP, IRIs with
spaces, very long strings) are bound as RDF terms and never run: they match what they spell or nothing, they
are refused in one line when they cannot be a term, and the graph is the same after them, embedded or remote."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from ingest.remote import Endpoint, RemoteStore
from ingest.store import Store
from queries.cli import cli

import servers
from conftest import ARTICLES

# A file name is a user's text too: it becomes the provenance path that `claims --source` matches.
NASTY_NAME = 'x" } } ; DROP ALL ; INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> "c" } } #\n{ \'évil\' }.txt'
LOOKS_LIKE_SPARQL = [
    '" } } DROP ALL #',
    'deployment" . } UNION { ?s ?p ?o } #',
    "alignment' } ; INSERT DATA { <urn:a> <urn:b> <urn:c> } ; #",
    "}\n}\n# CLEAR ALL\n",
    '\\" \\\\ \\u0022 \\n',
    "DROP SILENT GRAPH <https://w3id.org/alliance-kg/graph/ontology>",
    "x" * 100_000,
]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("injection")
    (folder / "articles").mkdir()
    shutil.copy(ARTICLES / "000_612de2d6d769fa05.txt", folder / "articles")
    shutil.copy(ARTICLES / "002_52543ea0e9029bda.txt", folder / "articles" / NASTY_NAME)
    result = invoke("--store", folder / "store", "ingest", folder / "articles")
    assert result.exit_code == 0, result.output
    return folder / "store"


def dump(store) -> set:
    opened = Store(store, read_only=True)
    try:
        return set(opened.quads())
    finally:
        opened.close()


def claims(where: tuple, *options) -> list[dict]:
    """``claims`` records from the embedded store (``("--store", path)``) or a remote one (``("--endpoint", url)``)."""
    result = invoke(*where, "claims", *options, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_source_path_full_of_sparql_matches_exactly_its_own_claims(store):
    before = dump(store)
    everything = claims(("--store", store))
    mine = [r for r in everything if r["source"] == NASTY_NAME]
    assert mine and len(mine) < len(everything)
    assert claims(("--store", store), "--source", NASTY_NAME) == mine
    assert dump(store) == before


@pytest.mark.parametrize("value", LOOKS_LIKE_SPARQL, ids=range(len(LOOKS_LIKE_SPARQL)))
def test_text_parameters_that_look_like_sparql_match_nothing_and_change_nothing(store, value):
    before = dump(store)
    for option in ("--type", "--source"):
        assert claims(("--store", store), option, value) == []
    assert dump(store) == before


@pytest.mark.parametrize("value, error", [
    ("http://example.org/a b", "--param state: not a valid IRI"),
    ("https://w3id.org/alliance-kg/id/state/RUS> } ; DROP ALL ; #", "--param state: not a valid IRI"),
    ('Russia" } } DROP ALL #', "--param state='Russia\" } } DROP ALL #': no state, person or organization"),
    ("x" * 100_000, "--param state='xxxxx"),
])
def test_entity_parameters_that_cannot_be_an_entity_are_refused_in_one_line(store, value, error):
    before = dump(store)
    result = invoke("--store", store, "query", "aligned-with", "--param", f"state={value}")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and error in result.stderr
    assert len(result.stderr) < 300  # a long value is quoted by its start
    assert dump(store) == before


def test_questions_with_quotes_braces_and_newlines_are_read_as_words(store):
    before = dump(store)
    headline = invoke("--store", store, "ask", "who aligned with Russia after 2022?", "--format", "json")
    spread = invoke("--store", store, "ask", "who aligned\nwith   Russia\n after 2022?", "--format", "json")
    assert json.loads(spread.stdout)["rows"] == json.loads(headline.stdout)["rows"] != []
    hostile = invoke("--store", store, "ask", 'who aligned with Russia" } } ; DROP ALL ; #?')
    assert hostile.exit_code == 1 and "no state, person or organization" in hostile.stderr
    assert dump(store) == before


@pytest.mark.parametrize("update", ["DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "CLEAR DEFAULT",
                                    "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"])
def test_the_sparql_command_runs_no_updates(store, update):
    before = dump(store)
    result = invoke("--store", store, "sparql", update)
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and result.stderr.startswith("Error: sparql:")
    assert dump(store) == before


def test_a_remote_store_binds_the_same_terms_and_stays_unchanged(store, tmp_path):
    server = servers.oxigraph(tmp_path)
    try:
        assert invoke("--store", store, "load", *server.options()).exit_code == 0
        remote = RemoteStore(Endpoint(server.query))
        before = remote.triple_count()
        here = claims(("--store", store), "--source", NASTY_NAME)
        there = claims(("--endpoint", server.query), "--source", NASTY_NAME)
        assert there == here != []
        for value in LOOKS_LIKE_SPARQL[:-1]:  # a 100 kB query is a server's call to refuse
            assert claims(("--endpoint", server.query), "--type", value) == []
        dropped = invoke("--endpoint", server.query, "sparql", "DROP ALL")
        assert dropped.exit_code == 1 and dropped.stderr.count("\n") == 1
        assert remote.triple_count() == before
    finally:
        server.stop()


def test_a_very_long_query_is_answered_not_a_traceback(store):
    """``sparql`` first tries its argument as a file name, which the system refuses past 255 characters."""
    result = invoke("--store", store, "sparql", "SELECT * WHERE { ?s ?p '" + "x" * 5000 + "' }", "--format", "json")
    assert not isinstance(result.exception, OSError), result.exception
    assert result.exit_code == 0 and json.loads(result.stdout) == []
