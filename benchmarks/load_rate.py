"""Load rate into an Oxigraph server: `alliance-kg load` (one Graph Store PUT per graph) against the
`oxigraph load` bulk loader on the same data. Prints a table; needs the `oxigraph` command (the test extra).

    python benchmarks/load_rate.py --copies 100

The data: the seed articles copied ``--copies`` times under different names and ingested, so every copy is a
document graph of its own, as a real corpus gives.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import requests

from ingest.load import load, stale_graphs
from ingest.pipeline import ingest
from ingest.remote import Endpoint, RemoteStore
from ingest.store import Store

ARTICLES = Path(__file__).parents[1] / "data" / "articles"


def corpus(folder: Path, copies: int) -> Path:
    for n in range(copies):
        for article in ARTICLES.glob("*.txt"):
            target = folder / f"copy{n:04}" / article.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(article, target)
    return folder


def serve(location: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(["oxigraph", "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
            return process, base
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("oxigraph serve did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of the four seed articles (default 100)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        local = Store(tmp / "store")
        report = ingest([corpus(tmp / "articles", args.copies)], local)
        dump = tmp / "dump.nq"
        dump.write_bytes(local.dump(ox.RdfFormat.N_QUADS))
        triples = len(local)

        started = time.perf_counter()
        subprocess.run(["oxigraph", "load", "--location", str(tmp / "bulk"), "--file", str(dump)], check=True,
                       capture_output=True)
        bulk = time.perf_counter() - started

        process, base = serve(tmp / "served")
        try:
            remote = RemoteStore(Endpoint(f"{base}/query", f"{base}/update", f"{base}/store"))
            graphs, unchanged = stale_graphs(local, remote)
            first = load(local, remote, graphs, unchanged)
            graphs, unchanged = stale_graphs(local, remote, everything=True)
            again = load(local, remote, graphs, unchanged)
        finally:
            process.terminate()
            process.wait()

    print(f"{len(report.added)} documents, {triples:,} triples ({triples / len(report.added):,.0f} per document)")
    print(f"{'method':48} {'seconds':>8} {'triples/s':>10}")
    print(f"{'oxigraph load (bulk loader, one N-Quads file)':48} {bulk:8.2f} {triples / bulk:10,.0f}")
    print(f"{'alliance-kg load, into an empty server':48} {first.seconds:8.2f} {first.triples_per_second:10,.0f}")
    print(f"{'alliance-kg load --all, replacing every graph':48} {again.seconds:8.2f} {again.triples_per_second:10,.0f}")


if __name__ == "__main__":
    main()
