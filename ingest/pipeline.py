"""Ingest: files in, claims, provenance and derived stances into the store, one document at a time.

A document is written in one transaction with everything derived from it, so the store never holds part of
one; an unchanged file (same SHA-256) is skipped, a changed one replaces what its old version said.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ontology.terms import ONTOLOGY_GRAPH, REFERENCE_GRAPH, ontology_turtle
from ontology.validation import violations
from queries import catalog

from . import gazetteer, patterns
from .errors import UserError
from .extract import Extraction, Extractor
from .mapping import document_iri, document_quads, reference_quads
from .reader import read_file
from .store import Store, fingerprint


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    claims: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed


def find_articles(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs: a file stands alone, a folder gives its ``*.txt`` files (hidden ones skipped)."""
    found = []
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*.txt")):
                if not any(part.startswith(".") for part in file.relative_to(path).parts) and file.is_file():
                    found.append((file, path))
        elif path.exists():
            found.append((path, path.parent))
        else:
            raise UserError(f"{path}: no such file or folder")
    return found


def derive(quads: list[ox.Quad], doc: ox.NamedNode) -> list[ox.Quad]:
    """Stances the derivation rules (queries/rules/*.rq) draw from one document's claims."""
    scratch = ox.Store()
    scratch.extend(quads)
    derived = []
    for rule in catalog.rules().values():
        derived.extend(ox.Quad(t.subject, t.predicate, t.object, doc) for t in scratch.query(rule.text))
    return derived


def ontology_quads() -> list[ox.Quad]:
    """The ontology in its graph, blank nodes named by order of appearance so every load is the same."""
    names: dict[ox.BlankNode, ox.BlankNode] = {}
    stable = lambda t: names.setdefault(t, ox.BlankNode(f"ontology{len(names)}")) if isinstance(t, ox.BlankNode) else t
    return [ox.Quad(stable(t.subject), t.predicate, stable(t.object), ONTOLOGY_GRAPH)
            for t in ox.parse(ontology_turtle(), format=ox.RdfFormat.TURTLE)]


def prepare_store(store: Store):
    """Put the ontology and the reference entities into their graphs, if they changed since last time."""
    store.ensure_graph(ONTOLOGY_GRAPH, ontology_quads, fingerprint(ontology_turtle()))
    reference = resources.files("ingest").joinpath("reference")
    texts = [f.read_text("utf-8") for f in sorted(reference.iterdir(), key=lambda f: f.name) if f.name.endswith(".csv")]
    store.ensure_graph(REFERENCE_GRAPH, lambda: reference_quads(gazetteer.load(), REFERENCE_GRAPH), fingerprint(*texts))


def document_dataset(result: Extraction) -> tuple[ox.NamedNode, list[ox.Quad]]:
    """A document's graph with its derived stances, checked against the SHACL shapes."""
    doc, quads = document_quads(result)
    quads += derive(quads, doc)
    broken = violations(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    if broken:
        more = f" (and {len(broken) - 1} more; 'alliance-kg validate' lists them)" if len(broken) > 1 else ""
        raise UserError(f"{result.article.path}: its graph breaks the SHACL shapes, so nothing of it was stored: "
                        f"{broken[0]}{more}")
    return doc, quads


def ingest(paths: Iterable[Path], store: Store, extra_patterns: tuple[str, ...] = ()) -> IngestReport:
    """Ingest every article under ``paths``."""
    return ingest_articles(find_articles(paths), store, extra_patterns)


def ingest_articles(articles: list[tuple[Path, Path]], store: Store, extra_patterns: tuple[str, ...] = (),
                    progress: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest (file, root) pairs; a bad file is reported and skipped, the batch goes on."""
    extractor = Extractor(gazetteer.load(), patterns.load(tuple(extra_patterns)))
    prepare_store(store)
    report = IngestReport()
    for file, root in articles:
        rel = file.relative_to(root).as_posix()
        try:
            article = read_file(file, root)
            doc = document_iri(article.path)
            previous = store.document_hash(doc)
            if previous == article.sha256:
                report.unchanged.append(rel)
            else:
                result = extractor.extract(article)
                doc, quads = document_dataset(result)
                store.replace_graph(doc, quads)
                report.claims += len(result.claims)
                (report.added if previous is None else report.replaced).append(rel)
        except UserError as e:
            report.failed.append((rel, e.message))
        if progress:
            progress(rel)
    store.flush()
    return report
