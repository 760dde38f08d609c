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
