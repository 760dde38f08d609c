"""An ingest killed with SIGKILL at random points, run again each time, ends with exactly the graph a clean run
gives: no partial documents, none twice. Between kills, every document the store counts (it has its
fingerprint) is whole."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from bench.corpus import generate
from ingest.store import DOCUMENT_PREFIX, Store

ARTICLES = 400  # two batches of writes (256 documents, then the rest)
KILLS = 6
SEED = 20261123


def ingest(store: Path, corpus: Path) -> subprocess.Popen:
    """The installed command in a session of its own, so that killing the session kills its workers too."""
    return subprocess.Popen([shutil.which("alliance-kg"), "--store", str(store), "ingest", str(corpus), "--jobs", "2",
                             "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def graphs(store: Path) -> tuple[dict[str, set[bytes]], set[str]]:
    """Each graph's N-Quads lines, and the graphs that carry their fingerprint."""
    opened = Store(store, read_only=True)
    try:
        lines = ox.serialize(opened.quads(), format=ox.RdfFormat.N_QUADS).splitlines()
        whole = {g.value for g in opened.fingerprints()}
    finally:
        opened.close()
    by_graph = defaultdict(set)
    for line in lines:
        by_graph[line.rsplit(b" ", 2)[-2][1:-1].decode()].add(line)
    return dict(by_graph), whole


def timed(store: Path, corpus: Path) -> tuple[str, str, int, float]:
    started = time.monotonic()
    process = ingest(store, corpus)
    out, err = process.communicate(timeout=300)
    return out, err, process.returncode, time.monotonic() - started


def bulk_files(store: Path) -> set[str]:
    """The files pyoxigraph's bulk loader writes into the store folder while it loads, and removes after."""
    return {name for name in os.listdir(store) if name.startswith("bulk-")} if store.exists() else set()


def kill(process: subprocess.Popen, store: Path, after: float | None, rng: random.Random) -> bool:
    """SIGKILL the run and its workers ``after`` seconds, or if None, at a random moment of its first write
    (a store mid-write is where a kill can do harm); whether the run was still going."""
    if after is None:
        before = bulk_files(store)
        while process.poll() is None and not bulk_files(store) - before:
            time.sleep(0.005)
        after = rng.uniform(0, 1)  # a bulk load of 256 documents takes about a second here
    time.sleep(after)
    if process.poll() is not None:
        return False
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    return True


def test_an_ingest_killed_at_random_points_then_run_again_gives_the_clean_graph(tmp_path):
    corpus = tmp_path / "corpus"
    generate(corpus, ARTICLES, seed=5)
    clean_out, clean_err, clean_status, took = timed(tmp_path / "clean", corpus)
    again_out, _, _, fixed = timed(tmp_path / "clean", corpus)  # every file unchanged: start-up and hashing
    assert json.loads(again_out)["unchanged"] == json.loads(clean_out)["added"] > ARTICLES * 0.98, clean_err
    expected, _ = graphs(tmp_path / "clean")

    documents_expected = sum(g.startswith(DOCUMENT_PREFIX) for g in expected)
    rng, stores = random.Random(SEED), [tmp_path / "store0"]
    kills, leftovers, stored = 0, 0, 0
    for n in range(KILLS):
        if stored == documents_expected:  # nothing left to be killed in: the next kills go to a fresh store
            stores.append(tmp_path / f"store{len(stores)}")
            stored = 0
        # every other kill at any moment of what this run has to do, the others while it writes
        anywhere = rng.uniform(0.02, 0.98) * (fixed + (took - fixed) * (1 - stored / documents_expected))
        process = ingest(stores[-1], corpus)
        kills += kill(process, stores[-1], anywhere if n % 2 == 0 else None, rng)
        process.wait(60)
        found, whole = graphs(stores[-1])
        documents = [g for g in found if g.startswith(DOCUMENT_PREFIX)]
        leftovers += sum(g not in whole for g in documents)  # cut short: not counted, dropped by the next run
        assert all(found[g] == expected[g] for g in documents if g in whole), "a document counted before it was whole"
        stored = sum(g in whole for g in documents)
    assert kills >= KILLS // 2, f"only {kills} of {KILLS} runs were still going when killed"

    for store in stores:
        final_out, final_err, final_status, _ = timed(store, corpus)
        assert final_status == clean_status, final_err
        assert json.loads(final_out)["failed"] == json.loads(clean_out)["failed"]
        found, _ = graphs(store)
        assert found == expected  # every graph, every triple: nothing lost, nothing half there, nothing twice
    print(f"\n{kills} kills, {leftovers} document graphs left without a fingerprint, {len(stores)} stores of "
          f"{ARTICLES} articles: each rerun gives the clean graph")
