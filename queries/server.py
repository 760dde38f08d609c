"""A read-only SPARQL 1.1 Protocol endpoint over the embedded store, for YASGUI, notebooks and other tools.

``/query`` answers GET (``?query=``) and POST (form-encoded or ``application/sparql-query``); results come in
the type the ``Accept`` header asks for (SPARQL JSON by default; XML, CSV, TSV; Turtle, N-Triples, RDF/XML or
JSON-LD for CONSTRUCT and DESCRIBE). Updates are refused with 403: the store is opened read-only. It binds to
127.0.0.1 only, and answers any origin (CORS), since browser tools call it from their own pages.
"""
from __future__ import annotations

import errno
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from ingest.errors import UserError
from ingest.store import Store

HOST = "127.0.0.1"
QUERY_PATH = "/query"
_RESULTS_DEFAULT = ox.QueryResultsFormat.JSON
_GRAPH_DEFAULT = ox.RdfFormat.TURTLE


def _negotiate(accept: str, graph: bool):
    """The first acceptable media type pyoxigraph can write, else the default for the result kind."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if not media or media.endswith("/*"):
            continue
        try:
            fmt = ox.RdfFormat.from_media_type(media) if graph else ox.QueryResultsFormat.from_media_type(media)
        except ValueError:
            fmt = None
        if fmt is not None:
            return fmt
    return _GRAPH_DEFAULT if graph else _RESULTS_DEFAULT


class _Handler(BaseHTTPRequestHandler):
    store: Store  # set on the subclass made by make_server
    server_version = "alliance-kg"

    def log_message(self, format, *args):  # one line per request is noise for a local tool
        pass

    def _send(self, status: int, body: bytes, media: str = "text/plain; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def do_OPTIONS(self):
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            return self._send(HTTPStatus.OK, f"alliance-kg read-only SPARQL endpoint: {QUERY_PATH}\n".encode())
        if url.path != QUERY_PATH:
            return self._send(HTTPStatus.NOT_FOUND, f"no such path; the endpoint is {QUERY_PATH}\n".encode())
        self._answer(parse_qs(url.query).get("query", [None])[0])

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != QUERY_PATH:
            return self._refuse()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-query":
            return self._answer(body)
        form = parse_qs(body)
        if "update" in form:
            return self._send(HTTPStatus.FORBIDDEN, b"this endpoint is read-only: updates are refused\n")
        self._answer(form.get("query", [None])[0])

    def _refuse(self):
        self._send(HTTPStatus.FORBIDDEN, b"this endpoint is read-only: it answers queries at /query\n")

    do_PUT = do_DELETE = do_PATCH = _refuse

    def _answer(self, query: str | None):
        if not query:
            return self._send(HTTPStatus.BAD_REQUEST, b"missing query parameter\n")
        try:
            results = self.store.query(query)
        except (SyntaxError, ValueError, OSError) as e:
            return self._send(HTTPStatus.BAD_REQUEST, f"{e}\n".encode())
        accept = self.headers.get("Accept") or ""
        if isinstance(results, ox.QueryTriples):
            fmt = _negotiate(accept, graph=True)
            body = ox.serialize(results, format=fmt)
        else:
            fmt = _negotiate(accept, graph=False)
            body = results.serialize(format=fmt)
        self._send(HTTPStatus.OK, body, fmt.media_type)


def make_server(store: Store, port: int) -> ThreadingHTTPServer:
    """A server on 127.0.0.1:``port`` (0 picks a free port) answering from ``store``."""
    handler = type("Handler", (_Handler,), {"store": store})
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise UserError(f"--port {port}: already in use on {HOST}; pick another port") from None
        raise UserError(f"--port {port}: cannot listen on {HOST} ({e.strerror})") from None
