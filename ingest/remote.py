"""A remote SPARQL 1.1 store: the same interface as the embedded one, spoken over the W3C protocols.

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol); whole named graphs are replaced with one
PUT each (SPARQL 1.1 Graph Store HTTP Protocol) through ``requests``, which SPARQLWrapper does not speak, and
which keeps one connection alive across a load and does digest authentication. A store that offers no graph
store endpoint gets ``DROP SILENT GRAPH`` + ``INSERT DATA`` in one update request instead.

Every failure becomes one line naming the endpoint and the cause. Requests that are safe to repeat (queries,
PUTs, and the drop-and-insert update, which replaces a graph whole) are retried with exponential backoff
when the connection fails or the server answers 502, 503 or 504.
"""
from __future__ import annotations

import ast
import html
import os
import re
import socket
import time
import urllib.error
import warnings
from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

import pyoxigraph as ox
import requests
import requests.auth
from SPARQLWrapper import BASIC, DIGEST, INSERT, JSON, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from ontology.terms import AK, XSD, sparql_prologue

from .errors import UserError
from .store import Rows

USER_ENV, PASSWORD_ENV = "ALLIANCE_KG_USER", "ALLIANCE_KG_PASSWORD"
_RETRY_STATUS = {502, 503, 504}
_STATUS_OF_EXCEPTION = {"QueryBadFormed": 400, "Unauthorized": 401, "EndPointNotFound": 404, "URITooLong": 414,
                        "EndPointInternalError": 500}
_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
T = TypeVar("T")


@dataclass(frozen=True)
class Endpoint:
    """Where a remote store answers, and how to talk to it."""

    query: str
    update: str | None = None  # defaults to the query endpoint (one URL serves both on many stores)
    graph_store: str | None = None
    auth: str = "basic"  # or "digest"
    timeout: float = 60.0
    retries: int = 3
    backoff: float = 0.5  # seconds before the first retry; doubled for each next one

    @property
    def credentials(self) -> tuple[str, str] | None:
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
        return (user, password or "") if user else None


class RemoteFailure(Exception):
    def __init__(self, message: str, retry: bool):
        super().__init__(message)
        self.message, self.retry = message, retry


def _server_message(body: bytes | str | None) -> str:
    """The server's own words, on one line: an HTML page's tags stripped, whitespace folded, cut at 300 characters."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if re.match(r"\s*<(!DOCTYPE|html)", text, re.IGNORECASE):
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def _http_failure(status: int, body, has_credentials: bool) -> RemoteFailure:
    said = _server_message(body)
    if status == 401:
        hint = ("the server refused the credentials in " if has_credentials else "set ") + f"{USER_ENV} and {PASSWORD_ENV}"
        return RemoteFailure(f"authentication required (HTTP 401); {hint}", False)
    if status == 403:
        return RemoteFailure(f"forbidden (HTTP 403){': ' + said if said else ''}", False)
    return RemoteFailure(f"HTTP {status}{': ' + said if said else ''}", status in _RETRY_STATUS)


def _network_failure(reason: BaseException, timeout: float) -> RemoteFailure:
    if isinstance(reason, (socket.timeout, TimeoutError, requests.Timeout)):
        return RemoteFailure(f"no answer within {timeout:g} s (timeout; raise it with --timeout)", False)
    text = str(reason)
    if isinstance(reason, ConnectionRefusedError) or "refused" in text.lower():
        return RemoteFailure("connection refused (is the server running, and is the URL right?)", True)
    if isinstance(reason, socket.gaierror) or "name or service not known" in text.lower():
        return RemoteFailure(f"unknown host ({text})", False)
    return RemoteFailure(f"connection failed ({_server_message(text)})", True)


def _wrapper_failure(error: Exception, endpoint: Endpoint) -> RemoteFailure:
    """SPARQLWrapper and urllib errors to one kind; SPARQLWrapper keeps the body only inside its message."""
    if isinstance(error, SPARQLWrapperException):
        _, _, response = str(error).partition("Response:\n")
        try:
            body = ast.literal_eval(response) if response else None
        except (ValueError, SyntaxError):
            body = response
        return _http_failure(_STATUS_OF_EXCEPTION.get(type(error).__name__, 500), body, bool(endpoint.credentials))
    if isinstance(error, urllib.error.HTTPError):
        return _http_failure(error.code, error.read(), bool(endpoint.credentials))
    if isinstance(error, urllib.error.URLError):
        return _network_failure(error.reason if isinstance(error.reason, BaseException) else error, endpoint.timeout)
    return _network_failure(error, endpoint.timeout)


class RemoteStore:
    """A SPARQL 1.1 store on the network; answers the same ``select`` as the embedded ``Store``."""

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self._session = requests.Session()
        if endpoint.credentials:
            user, password = endpoint.credentials
            self._session.auth = (requests.auth.HTTPDigestAuth(user, password) if endpoint.auth == "digest"
                                  else requests.auth.HTTPBasicAuth(user, password))

    # --- the protocol ----------------------------------------------------------------------------------
    def _retrying(self, url: str, attempt: Callable[[], T], classify: Callable[[Exception], RemoteFailure]) -> T:
        for n in range(self.endpoint.retries + 1):
            try:
                return attempt()
            except (RemoteFailure, SPARQLWrapperException, requests.RequestException, OSError) as e:
                failure = e if isinstance(e, RemoteFailure) else classify(e)
                if not failure.retry or n == self.endpoint.retries:
                    tried = f" (tried {n + 1} times)" if n else ""
                    raise UserError(f"endpoint {url}: {failure.message}{tried}") from None
                time.sleep(self.endpoint.backoff * 2 ** n)
        raise AssertionError("unreachable")

    def _wrapper(self, url: str, text: str) -> SPARQLWrapper:
        client = SPARQLWrapper(self.endpoint.query, updateEndpoint=self.endpoint.update or self.endpoint.query)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.timeout = self.endpoint.timeout  # setTimeout() would cut a fraction of a second to int
        if self.endpoint.credentials:
            client.setHTTPAuth(DIGEST if self.endpoint.auth == "digest" else BASIC)
            client.setCredentials(*self.endpoint.credentials)
        with warnings.catch_warnings():  # an unrecognised query goes to the server, whose error says more
            warnings.simplefilter("ignore", RuntimeWarning)
            client.setQuery(text)
        return client

    def select(self, query: str) -> Rows:
        form = _QUERY_FORM.search(re.sub(r"(?m)^\s*#.*$", "", query))
        if form and form.group(1).upper() in ("CONSTRUCT", "DESCRIBE"):
            raise UserError("query: use SELECT or ASK here (CONSTRUCT and DESCRIBE go through 'export')")
        client = self._wrapper(self.endpoint.query, query)
        client.queryType = SELECT  # SPARQLWrapper's own guess reads comments ("describe" in a header); both want JSON
        result = self._retrying(self.endpoint.query, lambda: client.query().convert(),
                                lambda e: _wrapper_failure(e, self.endpoint))
        if not isinstance(result, dict):
            raise UserError(f"endpoint {self.endpoint.query}: answered with something other than SPARQL JSON results")
        if "boolean" in result:
            return Rows(["result"], [{"result": ox.Literal(bool(result["boolean"]))}])
        columns = result["head"]["vars"]
        return Rows(columns, [{c: _term(b[c]) if c in b else None for c in columns}
                              for b in result["results"]["bindings"]])

    def update(self, text: str):
        """Run an update that is safe to repeat (the caller's promise: it is retried)."""
        url = self.endpoint.update or self.endpoint.query
        client = self._wrapper(url, text)
        client.queryType = INSERT  # any update form: it makes SPARQLWrapper POST to the update endpoint
        self._retrying(url, lambda: client.query().response.read(), lambda e: _wrapper_failure(e, self.endpoint))

    # --- graphs ----------------------------------------------------------------------------------------
    def fingerprints(self) -> dict[ox.NamedNode, str]:
        """Every graph that carries a fingerprint (``<g> ak:sha256 ?sha`` inside g), as the embedded store has."""
        rows = self.select(sparql_prologue() + "SELECT ?g ?sha WHERE { GRAPH ?g { ?g ak:sha256 ?sha } }")
        return {r["g"]: r["sha"].value for r in rows.rows if isinstance(r["g"], ox.NamedNode)}

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]):
        """Replace ``graph`` whole; its fingerprint triple goes last, so a graph cut short is seen as stale."""
        triples = sorted((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                         key=lambda t: t.subject == graph and t.predicate == AK.sha256)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if self.endpoint.graph_store:
            self._put(graph, body)
        else:
            self.update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{body.decode('utf-8')}}} }}")

    def _put(self, graph: ox.NamedNode, body: bytes):
        url = self.endpoint.graph_store

        def attempt():
            try:
                # N-Triples is Turtle too, and text/turtle is the one type every graph store accepts
                response = self._session.put(url, params={"graph": graph.value}, data=body,
                                             headers={"Content-Type": "text/turtle; charset=utf-8"},
                                             timeout=self.endpoint.timeout)
            except requests.RequestException as e:
                raise _network_failure(e, self.endpoint.timeout) from None
            if response.status_code >= 400:
                raise _http_failure(response.status_code, response.content, bool(self.endpoint.credentials))

        self._retrying(url, attempt, lambda e: _network_failure(e, self.endpoint.timeout))

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows.rows[0]["n"].value)


def _term(binding: dict) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """One value of SPARQL JSON results as an RDF term (``typed-literal`` is the SPARQL 1.0 spelling)."""
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", value))
    if "xml:lang" in binding:
        return ox.Literal(value, language=binding["xml:lang"])
    if "datatype" in binding:
        if binding["datatype"] == XSD.boolean.value and value in ("0", "1"):  # Virtuoso's spelling
            value = "true" if value == "1" else "false"
        return ox.Literal(value, datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(value)
