"""Shared fixtures: the seed articles ingested once into a real on-disk store, and a CLI runner on it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import ingest
from ingest.store import Store
from queries.cli import cli

ARTICLES = Path(__file__).parents[1] / "data" / "articles"
# Reports that disagree, two of each kind conflicting-reports finds: troop counts, signing dates, arrival dates.
CONFLICTS = ["Chad has sent 1,500 troops to Mali, officials said.",
             "Chad has sent 2,000 troops to Mali, according to a local governor.",
             "Chile and Peru signed the Treaty of Lima in March 2023.",
             "Chile and Peru signed the Treaty of Lima in May 2024.",
             "Rwandan troops arrived in Mozambique's Cabo Delgado in July 2021.",
             "Rwandan troops arrived in Mozambique's Cabo Delgado in March 2022."]


@pytest.fixture(scope="session")
def seed_store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "store"
    report = ingest([ARTICLES], Store(path))
    assert report.ok and len(report.added) == 4
    return path


@pytest.fixture(scope="session")
def seed_store(seed_store_path) -> Store:
    return Store(seed_store_path, read_only=True)


@pytest.fixture
def run_cli(seed_store_path):
    """Invoke the CLI on the seed store; returns click's Result (stdout and stderr kept apart)."""
    runner = CliRunner()

    def invoke(*args, store: Path | None = None):
        return runner.invoke(cli, ["--store", str(store or seed_store_path), *args], catch_exceptions=False)

    return invoke


@pytest.fixture
def articles_copy(tmp_path) -> Path:
    """A private copy of the seed articles that a test may change."""
    folder = tmp_path / "articles"
    shutil.copytree(ARTICLES, folder)
    return folder


@pytest.fixture
def killed_while_rewriting(monkeypatch):
    """``killed_while_rewriting(at, batch)``: from then on ``Store.rewrite_graph`` writes ``batch`` quads at a time and
    raises, as a killed run would stop, when it reaches quad number ``at``; ``monkeypatch.undo()`` ends it."""
    rewrite = Store.rewrite_graph

    def kill(at: int, batch: int):
        def stopped(self, graph, quads, *_ignored, **_also_ignored):  # the batch it was asked for
            def until_killed():
                for i, quad in enumerate(quads):
                    if i == at:
                        raise OSError("killed")
                    yield quad
            rewrite(self, graph, until_killed(), batch=batch)

        monkeypatch.setattr(Store, "rewrite_graph", stopped)

    return kill
