"""Remote stores: the seeds loaded with `alliance-kg load` into real SPARQL servers answer exactly as embedded."""
from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from bench.corpus import generate
from ingest.remote import Endpoint, RemoteStore
from ingest.store import Store
from queries import runner
from queries.catalog import pages
from queries.cli import cli

import servers
from conftest import ARTICLES, CONFLICTS
from test_queries import EXPECTED

HEADLINE = "who aligned with Russia after 2022?"
ENGINES = ["oxigraph", "virtuoso"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def alliance_kg(*args) -> list[str]:
    """The installed command, for runs in a process of their own (killed, interrupted)."""
    return [shutil.which("alliance-kg"), *(str(a) for a in args)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """An embedded store of the seeds and of a few conflicting reports, checked so that it has inferences."""
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ARTICLES, folder / "articles")
    for n, text in enumerate(CONFLICTS):
        (folder / "articles" / f"conflict-{n}.txt").write_text(text + "\n", "utf-8")
    assert invoke("--store", folder / "store", "ingest", folder / "articles").exit_code == 0
    assert invoke("--store", folder / "store", "check").exit_code == 0
    return folder / "store"


@pytest.fixture(scope="module")
def embedded(corpus) -> Store:
    return Store(corpus, read_only=True)


@pytest.fixture(scope="module", params=ENGINES)
def loaded(request, tmp_path_factory, corpus):
    """A real server of each engine with the corpus loaded by `alliance-kg load`."""
    server = getattr(servers, request.param)(tmp_path_factory.mktemp(request.param))
    try:
        result = invoke("--store", corpus, "load", *server.options())
        assert result.exit_code == 0, result.output
        yield server
    finally:
        server.stop()


def remote(server: servers.Server) -> RemoteStore:
    return RemoteStore(Endpoint(server.query, server.update, server.graph_store))


def graph_sizes(store) -> dict[str, int]:
    """Triples per graph of alliance-kg's (a Virtuoso store has system graphs of its own)."""
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/alliance-kg/')) } GROUP BY ?g").rows
    return {r["g"].value: int(r["n"].value) for r in rows}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_canned_query_answers_as_the_embedded_store(loaded, embedded, name):
    params, _ = EXPECTED[name]
    there, here = runner.run(remote(loaded), name, params), runner.run(embedded, name, params)
    assert there.rows == here.rows
    assert there.rows, "an empty answer would prove nothing"


@pytest.mark.parametrize("name, params, offset", [("claims", {}, 3), ("claims", {"kind": "deployment"}, 1),
                                                  ("claims-about", {"entity": "Russia"}, 1), ("neutral", {}, 0),
                                                  ("conflicting-reports", {}, 1)])
def test_a_page_read_its_own_way_answers_as_the_embedded_store(loaded, embedded, name, params, offset):
    """Queries that read a page apart from the whole answer: by a page reader, or the claims by document."""
    assert name in pages() or name == runner.CLAIMS
    there, here = runner.run(remote(loaded), name, params, offset, 2), runner.run(embedded, name, params, offset, 2)
    assert (there.rows, there.total) == (here.rows, here.total)
    assert here.rows, "an empty page would prove nothing"


def test_a_page_of_claims_of_no_document_is_empty_there_too(loaded, embedded):
    """No document holds the page: the claims query is sent with no VALUES rows, for its columns alone."""
    there, here = runner.run(remote(loaded), "claims", {}, 10_000, 2), runner.run(embedded, "claims", {}, 10_000, 2)
    assert (there.rows, there.total, there.columns) == ([], here.total, here.columns) and here.total > 40


def test_inferred_facts_answer_as_the_embedded_store(loaded, embedded):
    params = {"entity": "Russia", "inferred": "yes"}
    there, here = runner.run(remote(loaded), "claims-about", params), runner.run(embedded, "claims-about", params)
    assert there.rows == here.rows
    assert any(e["claim_type"].startswith("inferred: ") for row in here.rows for e in row["evidence"])


def test_the_headline_question_answers_as_the_embedded_store(loaded, corpus):
    here = invoke("--store", corpus, "ask", HEADLINE, "--format", "json")
    there = invoke("--endpoint", loaded.query, "ask", HEADLINE, "--format", "json")
    assert there.exit_code == 0, there.output
    assert json.loads(there.stdout) == json.loads(here.stdout)
    assert {r["entity"] for r in json.loads(there.stdout)["rows"]} >= {"Belarus", "China", "North Korea"}


@pytest.mark.parametrize("command", [["claims", "--format", "json"], ["stats", "--format", "json"],
                                     ["sparql", "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?g ak:sha256 ?sha . "
                                                "?s ?p ?o } } GROUP BY ?g ORDER BY ?g", "--format", "json"]])
def test_claims_stats_and_sparql_answer_as_the_embedded_store(loaded, corpus, command):
    here = invoke("--store", corpus, *command)
    there = invoke("--endpoint", loaded.query, *command)
    assert there.exit_code == 0, there.output
    assert json.loads(there.stdout) == json.loads(here.stdout)


GRAPHS = 4 + len(CONFLICTS) + 4  # a graph per document, the ontology, the reference data, the inferences, the disagreements


def test_the_remote_store_holds_one_graph_per_document_plus_ontology_reference_inferences_and_disagreements(loaded, embedded):
    sizes = graph_sizes(remote(loaded))
    assert sizes == graph_sizes(embedded)
    assert {"https://w3id.org/alliance-kg/graph/ontology", "https://w3id.org/alliance-kg/graph/inferred"} <= set(sizes)
    assert len(sizes) == GRAPHS


def test_loading_twice_changes_nothing_and_sends_nothing(loaded, corpus):
    before = remote(loaded).triple_count()
    again = invoke("--store", corpus, "load", *loaded.options(), "--format", "json")
    assert json.loads(again.stdout)["loaded"] == 0 and json.loads(again.stdout)["unchanged"] == GRAPHS
    everything = invoke("--store", corpus, "load", *loaded.options(), "--all", "--format", "json")
    assert json.loads(everything.stdout)["loaded"] == GRAPHS
    assert remote(loaded).triple_count() == before


# --- loading: changed documents only, updates where there is no graph store, a server killed mid-load ----

def test_a_changed_article_replaces_its_graph_and_the_disagreements_alone(tmp_path, articles_copy):
    """The disagreements are drawn from every document, so a changed one may change them: they go too."""
    store = tmp_path / "store"
    assert invoke("--store", store, "ingest", articles_copy).exit_code == 0
    server = servers.oxigraph(tmp_path / "oxigraph")
    try:
        assert invoke("--store", store, "load", *server.options()).exit_code == 0
        article = articles_copy / "001_4c8b468883f66ce7.txt"
        article.write_text(article.read_text("utf-8") + "\nBrazil sent 300 troops to Angola in May 2024.\n", "utf-8")
        assert invoke("--store", store, "ingest", articles_copy).exit_code == 0
        result = invoke("--store", store, "load", *server.options(), "--format", "json")
        assert json.loads(result.stdout)["loaded"] == 2
        assert graph_sizes(remote(server)) == graph_sizes(Store(store, read_only=True))
    finally:
        server.stop()


def test_without_a_graph_store_endpoint_load_uses_sparql_update(tmp_path, seed_store_path, seed_store):
    server = servers.oxigraph(tmp_path)
    try:
        for _ in range(2):
            result = invoke("--store", seed_store_path, "load", *server.options(graph_store=False))
            assert result.exit_code == 0, result.output
        assert graph_sizes(remote(server)) == graph_sizes(seed_store)
    finally:
        server.stop()


def replicate(source: Path, target: Path, copies: int) -> Store:
    """A store holding ``copies`` renamed copies of every document graph in ``source`` (plus its other graphs)."""
    src, dst = Store(source, read_only=True), Store(target)
    docs = [g for g in src.fingerprints() if "/id/doc/" in g.value]
    rename = lambda t, n, doc: ox.NamedNode(t.value.replace(doc.value, f"{doc.value}x{n}")) \
        if isinstance(t, ox.NamedNode) and t.value.startswith(doc.value) else t
    for graph in src.fingerprints():
        quads = list(src.graph_quads(graph))
        if graph not in docs:
            dst.replace_graph(graph, quads)
            continue
        for n in range(copies):
            dst.replace_graph(rename(graph, n, graph), [ox.Quad(rename(q.subject, n, graph), q.predicate,
                                                                rename(q.object, n, graph), rename(graph, n, graph))
                                                        for q in quads])
    dst.flush()
    return dst


@pytest.mark.parametrize("engine", ENGINES)
def test_a_server_killed_mid_load_then_loading_again_gives_exactly_the_graphs(tmp_path, seed_store_path, engine):
    local = replicate(seed_store_path, tmp_path / "store", copies=30)
    expected = graph_sizes(local)
    del local  # the load subprocess opens it
    server = getattr(servers, engine)(tmp_path / engine)
    try:
        load = alliance_kg("--store", tmp_path / "store", "load", *server.options())
        process = subprocess.Popen(load, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        while len(remote(server).fingerprints()) < len(expected) // 3:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
        server.kill()
        out, err = process.communicate(timeout=60)
        assert process.returncode == 1
        assert err.count("\n") == 1 and server.graph_store in err and "connection" in err, err
        server.start()
        partial = graph_sizes(remote(server))
        assert 0 < len(partial) < len(expected)
        assert all(partial[g] == expected[g] for g in partial), "a graph was left half written"
        again = subprocess.run(load, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        assert graph_sizes(remote(server)) == expected
    finally:
        server.stop()


# --- failures: one line naming the endpoint and the cause, exit 1 -----------------------------------------

def test_connection_refused_is_retried_then_reported():
    port = servers.free_port()
    result = invoke("--endpoint", f"http://127.0.0.1:{port}/query", "stats")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"endpoint http://127.0.0.1:{port}/query: connection refused" in result.stderr
    assert "tried 4 times" in result.stderr


def test_a_silent_server_times_out():
    with socket.socket() as listener:  # accepts connections, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        started = time.monotonic()
        result = invoke("--endpoint", url, "--timeout", "0.5", "ask", HEADLINE)
        assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and f"endpoint {url}: no answer within 0.5 s" in result.stderr


def test_a_bad_query_reports_the_servers_own_message(loaded):
    result = invoke("--endpoint", loaded.query, "sparql", "SELECT ?x WHERE { ?x ")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and f"endpoint {loaded.query}: HTTP 400" in result.stderr
    assert len(result.stderr.split("HTTP 400", 1)[1]) > 5, "the server's message is shown"


def test_load_needs_an_endpoint(seed_store_path):
    result = invoke("--store", seed_store_path, "load")
    assert result.exit_code == 2 and "--endpoint" in result.stderr


# --- serve: the embedded store as a read-only endpoint --------------------------------------------------

@pytest.fixture
def served(seed_store_path):
    process = subprocess.Popen(alliance_kg("--store", seed_store_path, "serve", "--port", "0"),
                               stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline()
    assert "read-only at http://127.0.0.1:" in line, line
    url = line.split(" at ")[1].split()[0]
    yield process, url
    if process.poll() is None:
        process.kill()
        process.wait()


def test_serve_answers_the_headline_question_as_the_embedded_store(served, seed_store_path):
    _, url = served
    here = invoke("--store", seed_store_path, "ask", HEADLINE, "--format", "json")
    there = invoke("--endpoint", url, "ask", HEADLINE, "--format", "json")
    assert there.exit_code == 0, there.output
    assert json.loads(there.stdout) == json.loads(here.stdout)


def test_serve_refuses_writes_and_stops_cleanly_on_ctrl_c(served, seed_store, seed_store_path):
    process, url = served
    before = RemoteStore(Endpoint(url)).triple_count()
    assert before == len(seed_store)
    response = requests.post(url, data={"update": "DROP ALL"}, timeout=10)
    assert response.status_code == 403 and "read-only" in response.text
    result = invoke("--store", seed_store_path, "load", "--all", "--endpoint", url,
                    "--graph-store-endpoint", url.replace("/query", "/store"))
    assert result.exit_code == 1 and "forbidden (HTTP 403)" in result.stderr
    assert RemoteStore(Endpoint(url)).triple_count() == before
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    assert "Stopped." in process.stderr.read()


# --- credentials: Virtuoso's digest-protected endpoints ----------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    server = servers.virtuoso(tmp_path_factory.mktemp("virtuoso-auth"))
    yield server
    server.stop()


def test_a_protected_endpoint_asks_for_credentials(virtuoso, monkeypatch):
    monkeypatch.delenv("ALLIANCE_KG_USER", raising=False)
    url = virtuoso.query + "-auth"
    result = invoke("--endpoint", url, "stats")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"endpoint {url}: authentication required (HTTP 401); set ALLIANCE_KG_USER and ALLIANCE_KG_PASSWORD" \
        in result.stderr


def test_wrong_credentials_are_refused_and_right_ones_load_and_query(virtuoso, monkeypatch, seed_store_path, seed_store):
    url = virtuoso.query + "-auth"
    graph_store = virtuoso.graph_store + "-auth"
    monkeypatch.setenv("ALLIANCE_KG_USER", "dba")
    monkeypatch.setenv("ALLIANCE_KG_PASSWORD", "wrong")
    refused = invoke("--endpoint", url, "--auth", "digest", "stats")
    assert refused.exit_code == 1 and "the server refused the credentials" in refused.stderr
    monkeypatch.setenv("ALLIANCE_KG_PASSWORD", "dba")
    loaded = invoke("--store", seed_store_path, "load", "--endpoint", url, "--graph-store-endpoint", graph_store,
                    "--auth", "digest")
    assert loaded.exit_code == 0, loaded.output
    here = invoke("--store", seed_store_path, "ask", HEADLINE, "--format", "json")
    there = invoke("--endpoint", url, "--auth", "digest", "ask", HEADLINE, "--format", "json")
    assert json.loads(there.stdout) == json.loads(here.stdout)


# --- a server that answers with an error: its words in one line; retried only when retrying can help -------

@contextmanager
def answering(*answers: tuple[int, str]):
    """A local HTTP server giving each request the next (status, body) in turn, the last one from then on;
    yields its URL and the methods of the requests it got."""
    got: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.append(self.command)
            status, body = answers[min(len(got), len(answers)) - 1]
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = answer

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", got
    finally:
        httpd.shutdown()
        httpd.server_close()


NO_ROWS = '{"head": {"vars": ["g", "sha"]}, "results": {"bindings": []}}'


def test_an_internal_server_error_is_reported_in_the_servers_words_and_not_retried():
    with answering((500, "Internal error: the query engine ran out of memory")) as (url, got):
        result = invoke("--endpoint", f"{url}/query", "stats")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"endpoint {url}/query: HTTP 500: Internal error: the query engine ran out of memory" in result.stderr
    assert got == ["POST"]  # a 500 says the server failed at the request itself: asking again would not help


def test_a_busy_server_is_asked_again_until_it_answers():
    with answering((503, "busy"), (503, "busy"), (200, '{"head": {}, "boolean": true}')) as (url, got):
        result = invoke("--endpoint", f"{url}/query", "sparql", "ASK {}", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"result": True}] and len(got) == 3


def test_a_server_busy_past_the_retries_is_reported_with_the_count():
    with answering((503, "Service Unavailable: try later")) as (url, got):
        result = invoke("--endpoint", f"{url}/query", "stats")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"endpoint {url}/query: HTTP 503: Service Unavailable: try later (tried 4 times)" in result.stderr
    assert len(got) == 4


def test_a_graph_store_failing_a_put_stops_the_load_in_one_line(seed_store_path):
    with answering((200, NO_ROWS), (500, "disk full")) as (url, got):
        result = invoke("--store", seed_store_path, "load", "--endpoint", f"{url}/query",
                        "--graph-store-endpoint", f"{url}/store")
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"endpoint {url}/store: HTTP 500: disk full" in result.stderr
    assert got == ["POST", "PUT"]


# --- serve and writers: one waits for the other ------------------------------------------------------------

def test_a_served_store_is_not_written_meanwhile(tmp_path, articles_copy):
    store = tmp_path / "store"
    assert invoke("--store", store, "ingest", articles_copy).exit_code == 0
    process = subprocess.Popen(alliance_kg("--store", store, "serve", "--port", "0"), stderr=subprocess.PIPE,
                               text=True)
    try:
        assert "read-only at http://127.0.0.1:" in process.stderr.readline()
        (articles_copy / "new.txt").write_text("Chile and Peru signed a defence treaty on 3 May 2024.\n", "utf-8")
        for command in (["ingest", articles_copy], ["check"]):
            refused = CliRunner().invoke(cli, ["--store", str(store), *map(str, command)])
            assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
            assert "in use by another alliance-kg process (an ingest, check, serve or query)" in refused.stderr
        assert invoke("--store", store, "ask", HEADLINE).exit_code == 0  # readers share the store
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    result = invoke("--store", store, "ingest", articles_copy, "--format", "json")
    assert json.loads(result.stdout)["added"] == 1  # once the server has stopped


def test_a_store_being_ingested_is_not_served(tmp_path):
    generate(tmp_path / "corpus", 150, seed=2)
    store = tmp_path / "store"
    writer = subprocess.Popen(alliance_kg("--store", store, "ingest", tmp_path / "corpus", "--jobs", "1"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not (store / "CURRENT").exists():  # RocksDB's files appear once the writer holds the lock
            assert writer.poll() is None, writer.communicate()
            time.sleep(0.02)
        served = subprocess.run(alliance_kg("--store", store, "serve", "--port", "0"), capture_output=True,
                                text=True, timeout=60)
        assert writer.poll() is None, "the ingest ended before serve was tried: a larger corpus is needed"
    finally:
        writer.wait(300)
    assert served.returncode == 1 and served.stderr.count("\n") == 1
    assert f"store {store}: another alliance-kg process is writing to it (an ingest or check)" in served.stderr
    assert "added" in writer.stdout.read()
