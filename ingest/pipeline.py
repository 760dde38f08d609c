"""Ingest: files in, claims, provenance and derived stances into the store.

Worker processes turn documents into graphs; the main process reads the files, skips unchanged ones (same
SHA-256) and writes finished graphs in batches. A document counts as stored once its fingerprint is: the
fingerprints of a batch go in last, in one transaction, and a run first drops any document graph a killed run
left without one. A changed file replaces what its old version said.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Sized

import pyoxigraph as ox

from ontology.terms import AK, DISAGREEMENTS_GRAPH, ONTOLOGY_GRAPH, PROV, REFERENCE_GRAPH, ontology_turtle
from ontology.validation import violations
from queries import catalog

from . import gazetteer, patterns
from .errors import UserError
from .extract import Extraction, Extractor
from .mapping import document_iri, document_quads, reference_quads
from .reader import MAX_SIZE, read_article, read_bytes, relative_path
from .store import Store, chunked, fingerprint
from .webpage import SUFFIXES as WEBPAGE_SUFFIXES


CHUNK = 8  # documents a worker takes at a time
IN_FLIGHT = 16  # chunks per worker sent ahead, so workers keep busy while a batch is written
BATCH = 256  # documents written to the store at a time, at first; then a quarter of those the run has written so far,
# since RocksDB merges each batch's table files into ever more data as the store grows (fewer, larger batches:
# 100k articles in 17.7 min instead of 22.8 with an eighth; 10k in 3% less time, and 11% less CPU in the main
# process, with a quarter than with an eighth), while the last batch, written once the workers are done, stays
# a small part of the run
MAX_BATCH_BYTES = 80 << 20  # of N-Quads in a batch at most (about 1,000 generated articles), which the bulk loader
# holds several times over while it sorts them: 100k generated articles peaked at 835 MiB (with batches of up
# to 2,048 documents instead, 1.35 GiB)
TAIL = 32  # documents: near the end of a run, a batch is written as soon as it holds as many as are still to come
# (and this many), so the last one, written after the workers are done with nothing to overlap it, stays small
ARTICLE_SUFFIXES = (".txt", *WEBPAGE_SUFFIXES)
FLUSH_EVERY = 4  # batches between flushes of the store's write buffers to disk
DRAW_BATCH = 10_000  # disagreement quads written at a time, as the search finds them: drawing across 100k
# articles (123k quads, in a process of its own on the finished store) peaked at 738 MiB when they were held in a
# list and written in one transaction, at 421 MiB so (490 with batches of 50,000)
COMPACT_AFTER = 1000  # documents written in one run that make it end by compacting the store: the bulk loader
# leaves many table files, each of which an index lookup reads, and merging them makes queries about 4–5 times faster


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    claims: int = 0
    sentences: int = 0  # read in the documents processed (not those skipped as unchanged)
    bytes: int = 0  # of every file read
    compacted_s: float | None = None  # how long compacting the store took, when this run did
    disagreements_s: float | None = None  # how long drawing the disagreements took, when this run did

    @property
    def ok(self) -> bool:
        return not self.failed


def find_articles(paths: Iterable[Path]) -> list[tuple[Path, Path]]:
    """(file, root) pairs: a file stands alone, a folder gives its article files (``*.txt``, ``*.html``,
    ``*.htm``) at any depth, hidden ones skipped. Links to folders are followed, each folder once, so a link
    loop ends. What cannot be listed or read (a locked folder, a dangling or looping link) is listed too: reading
    it reports why, as a failed file, and the batch goes on. Two files that would be recorded under the same
    path are refused up front, since a document is known by its path."""
    found: dict[tuple[Path, Path], None] = {}  # in order, each pair once
    for path in paths:
        if path.is_dir():
            found.update(dict.fromkeys((file, path) for file in _article_files(path)))
        elif path.exists() or path.is_symlink():
            found[path, path.parent] = None
        else:
            raise UserError(f"{path}: no such file or folder")
    recorded: dict[str, Path] = {}
    for file, root in found:
        other = recorded.setdefault(relative_path(file, root), file)
        if other != file:
            raise UserError(f"{file}: {other} would be recorded under the same path, "
                            f"{relative_path(file, root)!r}; ingest the folder that holds both instead")
    return list(found)


def _article_files(root: Path) -> list[Path]:
    """Article files under ``root`` in path order, and the folders that could not be listed."""
    found, seen, folders = [], set(), [root]
    while folders:
        folder = folders.pop()
        try:
            status = folder.stat()
            if (status.st_dev, status.st_ino) in seen:  # reached again through a link
                continue
            seen.add((status.st_dev, status.st_ino))
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if _is_dir(entry):
                        folders.append(Path(entry.path))
                    elif entry.name.lower().endswith(ARTICLE_SUFFIXES):
                        found.append(Path(entry.path))
        except OSError:
            found.append(folder)
    return sorted(found)


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()  # follows links; False for a dangling one
    except OSError:  # a looping link: listed as a file, and reading it says so
        return False


@lru_cache(maxsize=1)
def _rule_inputs() -> frozenset[ox.NamedNode]:
    """The predicates the derivation rules match on: most of a document graph is evidence no rule reads."""
    return frozenset(ox.NamedNode(iri) for rule in catalog.rules().values() for iri in catalog.where_iris(rule))


def derive(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Stances the derivation rules (queries/rules/*.rq) draw from documents' claims, each in the graph of the
    claim it is drawn from. Rules match within one document graph, so running them over several documents at once
    (which saves most of their cost: a query's set-up outweighs its matching here) draws what one by one would.
    They run on the quads whose predicate they name alone: copying every quad into their store was most of the cost."""
    scratch = ox.Store()
    inputs = _rule_inputs()
    scratch.extend(q for q in quads if q.predicate in inputs)
    graph_of = {q.subject: q.graph_name for q in quads if q.predicate == AK.asserts}  # claim -> its document
    derived = []
    for rule in catalog.rules().values():
        triples = list(scratch.query(rule.text))
        source = {t.subject: graph_of[t.object] for t in triples if t.predicate == PROV.wasDerivedFrom}
        derived += [ox.Quad(t.subject, t.predicate, t.object, source[t.subject]) for t in triples]
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


def draw_disagreements(store: Store) -> bool:
    """Draw the reports that disagree (``queries/disagreements.rq``) into their graph again, when the documents or
    the rule changed since it was drawn; True if it was. They span documents, so no worker can draw them, and one
    search over the store when it changes costs less than one for every question about them."""
    rule = catalog.disagreements()
    drawn = lambda: (ox.Quad(t.subject, t.predicate, t.object, DISAGREEMENTS_GRAPH) for t in store.query(rule.text))
    return store.ensure_graph(DISAGREEMENTS_GRAPH, drawn, fingerprint(rule.text, store.documents_fingerprint()),
                              batch=DRAW_BATCH)


def document_graphs(results: list[Extraction]) -> list[list[ox.Quad]]:
    """Each document's graph with the stances derived from its claims (derived for all of them at once)."""
    graphs = [document_quads(result) for result in results]
    by_doc = {doc: quads for doc, quads in graphs}
    for quad in derive([q for _, quads in graphs for q in quads]):
        by_doc[quad.graph_name].append(quad)
    return [quads for _, quads in graphs]


def check_shapes(path: str, quads: list[ox.Quad]):
    """Refuse a document whose graph breaks the SHACL shapes."""
    broken = violations(quads)  # a quad reads as its triple: the graph is this one document's
    if broken:
        more = f" (and {len(broken) - 1} more; 'alliance-kg validate' lists them)" if len(broken) > 1 else ""
        raise UserError(f"{path}: its graph breaks the SHACL shapes, so nothing of it was stored: {broken[0]}{more}")


def ingest(paths: Iterable[Path], store: Store, extra_patterns: tuple[str, ...] = (), jobs: int = 1) -> IngestReport:
    """Ingest every article under ``paths``."""
    return ingest_articles(find_articles(paths), store, extra_patterns, jobs=jobs)


@dataclass
class Processed:
    """One document as a worker returns it: its graph as N-Quads, or why it failed."""
    rel: str
    replacing: bool
    nquads: bytes = b""  # the graph but its fingerprint, which is written last
    fingerprint: bytes = b""
    claims: int = 0
    sentences: int = 0
    error: str | None = None


_extractor: Extractor | None = None  # one per process, made once: loading the rules takes a second


def _start_worker(extra_patterns: tuple[str, ...]):
    global _extractor
    _extractor = Extractor(gazetteer.load(), patterns.load(extra_patterns))


def process(tasks: list[tuple[str, bytes, bool]]) -> list[Processed]:
    """Read, extract, map, derive and validate documents: the work a worker process does. A document that fails
    is reported as failed; the others go on."""
    done: dict[str, Processed] = {}
    extracted = []
    for rel, data, replacing in tasks:
        try:
            extracted.append((rel, replacing, _extractor.extract(read_article(data, rel))))
        except UserError as e:
            done[rel] = Processed(rel, replacing, error=e.message)
        except Exception as e:  # a bug met by one document: the others go on, and the user can report it
            done[rel] = Processed(rel, replacing, error=f"{rel}: could not be read into claims ({type(e).__name__}: "
                                                      f"{e}); this is a bug in alliance-kg, please report it with the file")
    for (rel, replacing, result), quads in zip(extracted, document_graphs([r for _, _, r in extracted])):
        try:
            check_shapes(rel, quads)
        except UserError as e:
            done[rel] = Processed(rel, replacing, error=e.message)
            continue
        last, rest = [], []  # the document's fingerprint, written after the rest
        for q in quads:
            (last if q.predicate == AK.sha256 and q.subject == q.graph_name else rest).append(q)
        done[rel] = Processed(rel, replacing, ox.serialize(rest, format=ox.RdfFormat.N_QUADS),
                              ox.serialize(last, format=ox.RdfFormat.N_QUADS), len(result.claims), result.sentences)
    return [done[rel] for rel, _, _ in tasks]


class _BatchWriter:
    """Writes finished documents to the store many at a time, in a thread of its own: pyoxigraph lets go of the
    GIL while it loads, so the main process goes on feeding workers meanwhile. One batch is written at a time."""

    def __init__(self, store: Store, report: IngestReport, smallest: int, total: int | None = None):
        self.store, self.report, self.smallest = store, report, smallest  # documents in a batch at first
        self.total = total  # articles in the run, when known
        self.parts: list[bytes] = []
        self.pending = 0  # bytes in parts
        self.fingerprints: list[bytes] = []
        self.replacing: list[ox.NamedNode] = []
        self.batches = 0
        self.thread: ThreadPoolExecutor | None = None
        self.writing: Future | None = None

    def add(self, done: Processed):
        if done.error is not None:
            self.report.failed.append((done.rel, done.error))
            return
        self.parts.append(done.nquads)
        self.pending += len(done.nquads)
        self.fingerprints.append(done.fingerprint)
        if done.replacing:
            self.replacing.append(document_iri(done.rel))
        (self.report.replaced if done.replacing else self.report.added).append(done.rel)
        self.report.claims += done.claims
        self.report.sentences += done.sentences
        written = len(self.report.added) + len(self.report.replaced)
        if len(self.parts) >= max(self.smallest, written // 4) or self.pending >= MAX_BATCH_BYTES:
            self.flush()
        elif self.total is not None and len(self.parts) >= max(TAIL, self._to_come()):
            self.flush()

    def _to_come(self) -> int:
        """Articles of the run still being read or processed."""
        report = self.report
        return self.total - len(report.added) - len(report.replaced) - len(report.unchanged) - len(report.failed)

    def flush(self):
        """Hand the documents gathered so far to the writing thread, once it is done with the previous batch."""
        if self.parts:
            batch = (b"".join(self.parts), b"".join(self.fingerprints), self.replacing)
            self.parts, self.fingerprints, self.replacing, self.pending = [], [], [], 0
            self.wait()
            self.thread = self.thread or ThreadPoolExecutor(1, thread_name_prefix="store-writer")
            self.writing = self.thread.submit(self._write, *batch)

    def wait(self):
        """Block until the batch being written is in the store (raising what writing it raised)."""
        if self.writing is not None:
            writing, self.writing = self.writing, None
            writing.result()

    def close(self):
        self.flush()
        self.wait()
        if self.thread is not None:
            self.thread.shutdown()

    def _write(self, content: bytes, fingerprints: bytes, replacing: list[ox.NamedNode]):
        self.store.add_documents(content, fingerprints, replacing)
        self.batches += 1
        if self.batches % FLUSH_EVERY == 0:
            self.store.flush()  # RocksDB's write buffers otherwise grow to a gigabyte and more


def _changed(articles, store: Store, report: IngestReport, progress, max_size: int | None):
    """(path, bytes, replacing) of each article not already stored as it is; the others are counted."""
    for file, root in articles:
        try:
            rel, data = read_bytes(file, root, max_size)
        except UserError as e:
            report.failed.append((relative_path(file, root), e.message))
            progress(relative_path(file, root))
            continue
        report.bytes += len(data)
        previous = store.document_hash(document_iri(rel))
        if previous == hashlib.sha256(data).hexdigest():
            report.unchanged.append(rel)
            progress(rel)
            continue
        yield rel, data, previous is not None


def ingest_articles(articles: Iterable[tuple[Path, Path]], store: Store, extra_patterns: tuple[str, ...] = (),
                    progress: Callable[[str], None] | None = None, jobs: int = 1,
                    batch: int = BATCH, max_size: int | None = MAX_SIZE,
                    compact_after: int | None = COMPACT_AFTER) -> IngestReport:
    """Ingest (file, root) pairs with ``jobs`` processes; a bad file (or one over ``max_size`` bytes) is reported
    and skipped, the batch goes on.

    Files stream through: a few chunks of documents are in flight at a time and finished ones are written
    ``batch`` at a time (more as the run goes on, up to ``MAX_BATCH_BYTES`` of them), so memory stays flat however
    many files there are.
    A run that writes ``compact_after`` documents or more compacts the store (None: never), before it draws the
    disagreements across documents again (when the documents changed).
    """
    progress = progress or (lambda rel: None)
    prepare_store(store)
    _start_worker(extra_patterns)  # in this process: workers forked from it inherit the loaded rules
    report = IngestReport()
    with store.writing():
        store.repair()
        writer = _BatchWriter(store, report, batch, len(articles) if isinstance(articles, Sized) else None)
        _process_all(_changed(articles, store, report, progress, max_size), writer, progress, jobs, extra_patterns)
        writer.close()
        if compact_after is not None and len(report.added) + len(report.replaced) >= compact_after:
            started = time.perf_counter()
            store.compact()
            report.compacted_s = time.perf_counter() - started
        started = time.perf_counter()  # after compacting: the search then takes a third of the time
        if draw_disagreements(store):
            report.disagreements_s = time.perf_counter() - started
    return report


def _process_all(tasks, writer: _BatchWriter, progress, jobs: int, extra_patterns: tuple[str, ...]):
    """Process the documents with ``jobs`` processes and hand each finished one to the writer, in order."""
    def finish(done: list[Processed]):
        for item in done:
            writer.add(item)
            progress(item.rel)

    chunks = chunked(tasks, CHUNK)
    if jobs <= 1:
        for chunk in chunks:
            finish(process(chunk))
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with context.Pool(jobs, initializer=_start_worker, initargs=(extra_patterns,)) as pool:
        in_flight: deque = deque()
        for chunk in chunks:
            in_flight.append(pool.apply_async(process, (chunk,)))
            if len(in_flight) >= jobs * IN_FLIGHT:
                finish(in_flight.popleft().get())
        while in_flight:
            finish(in_flight.popleft().get())
