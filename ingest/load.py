"""Pushing the embedded store into a remote SPARQL store, one named graph at a time.

The unit is a graph that carries its fingerprint (``<g> ak:sha256 ?sha`` inside g): each document's graph, the
ontology's, the reference data's, the disagreements drawn across documents, and the inferences of ``check``. A
graph is loaded when the remote copy's fingerprint differs (or on ``everything``), and always replaced whole, so
loading twice duplicates nothing, and a load cut short is finished by the next one: a graph that did not arrive,
or arrived without its fingerprint, is loaded again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import pyoxigraph as ox

from ontology.terms import ONTOLOGY_GRAPH, REFERENCE_GRAPH

from .store import GraphStore, Store


@dataclass
class LoadReport:
    loaded: int
    unchanged: int
    triples: int
    seconds: float

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


def stale_graphs(local: Store, remote: GraphStore, everything: bool = False) -> tuple[list[ox.NamedNode], int]:
    """The graphs to load (ontology and reference first, then documents by name) and how many are current."""
    local_prints = local.fingerprints()
    remote_prints = {} if everything else remote.fingerprints()
    first = {ONTOLOGY_GRAPH: 0, REFERENCE_GRAPH: 1}
    stale = sorted((g for g, sha in local_prints.items() if remote_prints.get(g) != sha),
                   key=lambda g: (first.get(g, 2), g.value))
    return stale, len(local_prints) - len(stale)


def load(local: Store, remote: GraphStore, graphs: list[ox.NamedNode], unchanged: int = 0,
         progress: Callable[[ox.NamedNode], None] | None = None) -> LoadReport:
    """Replace each of ``graphs`` in ``remote`` with the local copy."""
    started, triples = time.perf_counter(), 0
    for graph in graphs:
        quads = list(local.graph_quads(graph))
        remote.replace_graph(graph, quads)
        triples += len(quads)
        if progress:
            progress(graph)
    return LoadReport(len(graphs), unchanged, triples, time.perf_counter() - started)
