"""Real SPARQL servers for the tests, started on free loopback ports in temporary folders and stopped after."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A server process and the endpoint options that reach it."""

    name: str
    process: subprocess.Popen
    query: str
    update: str
    graph_store: str
    restart_command: list[str]
    log: Path

    def options(self, graph_store: bool = True) -> list[str]:
        """The global CLI options for this server."""
        options = ["--endpoint", self.query, "--update-endpoint", self.update]
        return options + (["--graph-store-endpoint", self.graph_store] if graph_store else [])

    def kill(self):
        self.process.kill()
        self.process.wait(30)

    def start(self):
        # in its own folder: Virtuoso writes a checkpoint file into the working directory
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.restart_command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=self.log.parent)
        _wait_until_answering(self.query, self.process, self.log)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def _wait_until_answering(query_url: str, process: subprocess.Popen, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {query_url} did not answer within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def oxigraph(folder: Path) -> Server:
    """``oxigraph serve`` from the oxigraph package on PyPI."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [shutil.which("oxigraph") or "oxigraph", "serve", "--location", str(folder / "data"),
               "--bind", f"127.0.0.1:{port}"]
    base = f"http://127.0.0.1:{port}"
    server = Server("oxigraph", None, f"{base}/query", f"{base}/update", f"{base}/store", command, folder / "log")
    server.start()
    return server


def virtuoso(folder: Path) -> Server:
    """Debian's Virtuoso 7 (virtuoso-opensource-7-bin); the anonymous SPARQL user is granted updates."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        import pytest
        pytest.skip("Virtuoso is not installed here (apt-get install virtuoso-opensource-7-bin; .ci/run does)")
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = Path(__file__).with_name("virtuoso.ini").read_text("utf-8")
    (folder / "virtuoso.ini").write_text(ini.format(folder=folder, sql_port=sql_port, http_port=http_port), "utf-8")
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    server = Server("virtuoso", None, f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud", command,
                    folder / "log")
    server.start()
    granted = subprocess.run([shutil.which("isql-vt"), f"127.0.0.1:{sql_port}", "dba", "dba", "BANNER=OFF",
                              "VERBOSE=OFF", "ERRORS=STDOUT", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                             capture_output=True, text=True, timeout=60)
    if "Error" in granted.stdout + granted.stderr:  # isql-vt exits 0 even when the statement fails
        server.stop()
        raise RuntimeError(f"granting SPARQL_UPDATE failed: {granted.stdout}{granted.stderr}")
    return server
