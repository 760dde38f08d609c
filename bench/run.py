"""The performance benchmark behind ``alliance-kg bench``: ingest throughput and memory, store size, canned query
latency in the embedded store (and on rdflib's in-memory graph for comparison), load rate into an Oxigraph
server, and the time and memory of ``check`` and ``validate``.

Every measured phase runs in a child process (``python -m bench.run TASK``, arguments as JSON on stdin, results
as JSON lines on a private copy of stdout, progress on stderr), for two reasons: each child's peak resident
memory is its own (``VmHWM`` of ``/proc/self/status``, which an ``exec`` resets; ``ru_maxrss`` would carry the
parent's), and a query that runs too long can be stopped by killing its child (pyoxigraph does not return to
Python while it evaluates, so no signal or thread can interrupt it). Times are taken inside the child around the
work itself, without interpreter start-up and imports.

The corpus is ``bench.corpus`` (synthetic, reproducible from the seed): the large corpus is articles 0..N-1, the
small one its first N/10, and the query stores take as many further articles as their triple counts need.
"""
from __future__ import annotations

import json
import math
import os
import platform
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

PHASES = ("single", "queries", "export", "rdflib", "server", "validate", "check")
MB = 1_000_000  # throughput in MB/s is decimal megabytes of article files; memory and sizes are MiB
MIB = 1024 * 1024


@dataclass
class Settings:
    articles: int = 10_000  # the large corpus; the small one is a tenth of it
    seed: int = 0
    jobs: int = os.cpu_count() or 1
    query_triples: tuple[int, ...] = (1_000_000, 10_000_000)
    runs: tuple[int, ...] = (20, 5)  # timed runs per query at each query store size (the last repeats)
    query_timeout: float = 30.0  # one run of a query, and the time its repeats may take together
    rdflib_runs: int = 3
    rdflib_timeout: float = 30.0
    audit_timeout: float = 3600.0
    large_single: bool = False  # also ingest the large corpus with one process (the small one always is)
    skip: frozenset[str] = frozenset()
    quick: bool = False

    @classmethod
    def quick_defaults(cls) -> dict:
        """Sizes for a smoke run of a minute or so: every phase runs, on tiny data."""
        return {"articles": 100, "query_triples": (10_000, 20_000), "runs": (3, 2), "query_timeout": 30.0,
                "rdflib_runs": 1, "rdflib_timeout": 10.0, "audit_timeout": 300.0,
                "large_single": True}

    @property
    def small(self) -> int:
        return max(1, self.articles // 10)

    def runs_at(self, index: int) -> int:
        return self.runs[min(index, len(self.runs) - 1)]


@dataclass
class IngestRun:
    corpus: str  # "small" or "large"
    articles: int
    jobs: int
    seconds: float  # ingest_articles end to end: files read, extracted, validated, written, store flushed
    sentences: int
    bytes: int
    claims: int
    failed: int
    triples: int  # in the store afterwards, ontology and reference data included
    base_triples: int  # the ontology and reference graphs
    sentences_per_s: float
    articles_per_s: float
    mb_per_s: float
    peak_rss_mib: float  # the ingesting process
    worker_peak_rss_mib: float | None  # the largest worker process (None with one process)
    store_mib: float  # disk use of the store folder once reopened (write-ahead log folded in)
    store_mib_as_left: float  # disk use as ingest left it, write-ahead log included
    paused_s: float = 0.0  # time the ingest was stopped by another program (SIGSTOP): included in seconds
    compacted_s: float | None = None  # compacting the store at the end of the run (included in seconds)
    disagreements_s: float | None = None  # drawing the disagreements across documents (included in seconds)


@dataclass
class QueryTiming:
    name: str
    params: dict[str, str]  # as a user would type them (entity labels)
    rows: int | None
    runs: int  # timed runs (after one untimed warm-up run in the embedded store)
    median_ms: float | None  # None when the query did not finish within the timeout
    p95_ms: float | None  # nearest rank
    min_ms: float | None
    max_ms: float | None
    warmup_ms: float | None = None
    timed_out: bool = False
    error: str | None = None  # the engine could not run it


@dataclass
class QueryScale:
    target_triples: int
    triples: int
    articles: int
    build_seconds: float  # ingest time to grow the store from the previous size (all cores)
    build_sentences_per_s: float
    peak_rss_mib: float | None  # the process running the queries
    queries: list[QueryTiming] = field(default_factory=list)
    paused_s: float = 0.0  # time the query process was stopped by another program (not counted in timeouts)
    lookup_us: float | None = None  # one index lookup in this store (see _lookup_us)
    export: dict | None = None  # the claims export of this store: seconds, claims, MB, peak RSS (see _task_export)


@dataclass
class RdflibComparison:
    triples: int
    articles: int
    load_seconds: float | None  # parsing the N-Quads export into rdflib.Dataset()
    peak_rss_mib: float | None
    timeout_s: float
    queries: list[dict] = field(default_factory=list)  # name, rows, runs, median_ms, timed_out, ratio, ratio_at_least
    paused_s: float = 0.0


@dataclass
class ServerLoad:
    documents: int
    triples: int
    bulk_seconds: float  # oxigraph load (the bulk loader) of one N-Quads file
    first_seconds: float  # alliance-kg load into an empty server (one PUT per graph)
    again_seconds: float  # alliance-kg load --all, replacing every graph
    bulk_triples_per_s: float
    first_triples_per_s: float
    again_triples_per_s: float


@dataclass
class AuditRun:
    command: str
    articles: int
    triples: int
    seconds: float | None
    peak_rss_mib: float | None  # the Python process
    # its largest child, for check the Java process HermiT runs in, as ru_maxrss counts it: a program started by
    # exec also carries the peak of the process that started it, so this is at least the Python peak by then
    child_peak_rss_mib: float | None
    result: dict = field(default_factory=dict)
    timed_out: bool = False
    paused_s: float = 0.0


@dataclass
class BenchResult:
    settings: dict
    machine: dict
    corpus: dict = field(default_factory=dict)
    ingest: list[IngestRun] = field(default_factory=list)
    linearity: dict[str, float] = field(default_factory=dict)  # "jobs=N": large time / small time
    triples_per_article: float | None = None
    store_size: dict = field(default_factory=dict)
    queries: list[QueryScale] | dict = field(default_factory=list)
    rdflib: RdflibComparison | dict = field(default_factory=dict)
    server: ServerLoad | dict = field(default_factory=dict)
    validate: AuditRun | dict = field(default_factory=dict)
    check: AuditRun | dict = field(default_factory=dict)
    phase_seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


class BenchError(Exception):
    pass


# --- the corpus ------------------------------------------------------------------------------------------

def article_path(index: int) -> str:
    """Where bench.corpus.generate writes article ``index``."""
    from bench.corpus import PER_FOLDER
    return f"{index // PER_FOLDER:04d}/{index:06d}.txt"


def write_articles(folder: Path, start: int, end: int, seed: int):
    """Articles ``start``..``end - 1`` of the corpus of ``seed`` as files under ``folder`` (as generate does)."""
    from bench.corpus import CorpusSummary, article
    summary = CorpusSummary()
    for i in range(start, end):
        a = article(i, seed)
        path = folder / a.name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = a.text.encode("utf-8")
        path.write_bytes(data)
        summary.add(a, len(data))
    return summary


# --- child processes -------------------------------------------------------------------------------------

class _Child:
    """``python -m bench.run TASK`` with JSON arguments on stdin; its messages are JSON lines on stdout.

    On a shared machine another program may stop a busy process for a while (SIGSTOP) and continue it later. A
    watcher adds up the time the child, or any process under it, spent stopped (``paused``, seconds; Linux
    only): the benchmark reports it, and gives it back to the timeouts, so a pause is not taken for a query
    that runs too long."""

    def __init__(self, task: str, args: dict):
        self.process = subprocess.Popen([sys.executable, "-m", "bench.run", task], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        self.process.stdin.write(json.dumps(args))
        self.process.stdin.close()
        self.messages: queue.Queue = queue.Queue()
        self.paused = 0.0
        self._ended = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.messages.put(json.loads(line))
        self.messages.put(None)

    def _watch(self, every: float = 0.25):
        last = time.monotonic()
        while not self._ended.wait(every):
            now = time.monotonic()
            if _stopped(self.process.pid):
                self.paused += now - last
            last = now

    def next(self, timeout: float | None = None) -> dict | None:
        """The next message, None when the child has exited; queue.Empty if none came within ``timeout``
        seconds, not counting time the child spent stopped."""
        while True:
            paused = self.paused
            try:
                return self.messages.get(timeout=timeout)
            except queue.Empty:
                if timeout is None or self.paused - paused < 0.5:
                    raise
                timeout = self.paused - paused  # the time it was stopped, given back

    def wait(self) -> int:
        code = self.process.wait()
        self._ended.set()
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.wait()

    def finish(self, task: str):
        if self.wait() != 0:
            raise BenchError(f"bench child '{task}' failed with exit status {self.process.returncode} "
                             "(its error is above)")


def _stopped(pid: int) -> bool:
    """Whether the process or one under it is stopped (state T), as /proc tells; False where there is none."""
    todo = [pid]
    while todo:
        pid = todo.pop()
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat[stat.rindex(")") + 2] in "Tt":
                return True
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return False


def _call(task: str, args: dict, timeout: float | None = None) -> tuple[dict | None, float]:
    """Run a child to its ``result`` message; None if it took longer than ``timeout`` (it is then killed).
    Also returns the seconds it spent stopped by another program."""
    child = _Child(task, args)
    result = None
    try:
        while True:
            message = child.next(timeout)  # a child that ran this long without a message has run too long
            if message is None:
                break
            result = message.get("result", result)
    except queue.Empty:
        child.kill()
        return None, child.paused
    child.finish(task)
    if result is None:
        raise BenchError(f"bench child '{task}' gave no result")
    return result, child.paused


def _peak_rss_mib() -> float:
    """This process's peak resident memory: VmHWM, which exec resets (ru_maxrss keeps the parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / MIB
    except OSError:
        pass
    import resource
    return _maxrss(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _children_peak_rss_mib() -> float | None:
    """The largest peak of this process's terminated, waited-for children (and theirs), or None if none ran."""
    import resource
    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return _maxrss(value) if value else None


def _maxrss(value: int) -> float:
    return value / MIB if sys.platform == "darwin" else value * 1024 / MIB  # bytes on macOS, KiB on Linux


def _disk_mib(path: Path) -> float:
    """Disk use of a folder, as du counts it (allocated blocks)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total / MIB


class _Progress:
    """A line on stderr every ``every`` seconds: done, rate, time left."""

    def __init__(self, label: str, total: int, every: float = 10.0):
        self.label, self.total, self.every = label, total, every
        self.done, self.started = 0, time.monotonic()
        self.shown = self.started

    def __call__(self, _rel=None):
        self.done += 1
        now = time.monotonic()
        if now - self.shown >= self.every and self.done < self.total:
            self.shown = now
            rate = self.done / (now - self.started)
            left = (self.total - self.done) / rate if rate else 0
            print(f"  {self.label}: {self.done:,}/{self.total:,} articles, {rate:,.0f}/s, about {_duration(left)} left",
                  file=sys.stderr, flush=True)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


# --- child tasks (run in the child process) --------------------------------------------------------------

def _task_ingest(args: dict, emit):
    from ingest.pipeline import ingest_articles
    from ingest.store import Store
    from ontology.terms import ONTOLOGY_GRAPH, REFERENCE_GRAPH

    root = Path(args["root"])
    pairs = [(root / article_path(i), root) for i in range(args["start"], args["end"])]
    progress = _Progress(args["label"], len(pairs))
    started = time.perf_counter()
    store = Store(Path(args["store"]))
    report = ingest_articles(pairs, store, progress=progress, jobs=args["jobs"])
    seconds = time.perf_counter() - started
    base = sum(1 for g in (ONTOLOGY_GRAPH, REFERENCE_GRAPH) for _ in store.graph_quads(g))
    emit(result={"seconds": seconds, "added": len(report.added), "replaced": len(report.replaced),
                 "unchanged": len(report.unchanged), "failed": len(report.failed), "claims": report.claims,
                 "sentences": report.sentences, "bytes": report.bytes, "triples": len(store), "base_triples": base,
                 "compacted_s": report.compacted_s, "disagreements_s": report.disagreements_s,
                 "peak_rss_mib": _peak_rss_mib(), "worker_peak_rss_mib": _children_peak_rss_mib(),
                 "first_failure": report.failed[0] if report.failed else None})


def _task_audit(args: dict, emit):
    from ingest.store import Store
    from queries import audit

    if args["command"] == "validate":
        store = Store(Path(args["store"]), read_only=True)
        started = time.perf_counter()
        found = audit.validate(store)
        seconds = time.perf_counter() - started
        result = {"violations": len(found),
                  "documents": len(store.document_fingerprints())}
    else:
        store = Store(Path(args["store"]))
        started = time.perf_counter()
        report = audit.check(store)
        seconds = time.perf_counter() - started
        result = {"consistent": report.consistent, "facts": report.facts, "inferred": report.inferred,
                  "problems": len(report.problems)}
    emit(result={"seconds": seconds, "peak_rss_mib": _peak_rss_mib(), "child_peak_rss_mib": _children_peak_rss_mib(),
                 "result": result})


def _task_export(args: dict, emit):
    """Every claim of the store as ``alliance-kg claims --format jsonl`` writes it (to nowhere): time, size, peak
    RSS of this process, which reads nothing else."""
    from ingest.store import Store
    from queries import formatting, runner

    store = Store(Path(args["store"]), read_only=True)
    started = time.perf_counter()
    claims = size = 0
    for line in formatting.jsonl_pieces(runner.claims(store)):
        claims += 1
        size += len(line.encode("utf-8"))
    emit(result={"seconds": time.perf_counter() - started, "claims": claims, "mb": size / MB,
                 "peak_rss_mib": _peak_rss_mib()})


class _Timeout(BaseException):  # not an Exception: no library may swallow it
    pass


def _task_queries(args: dict, emit):
    """Run each query: an untimed warm-up (if asked), then timed runs while they fit in the timeout together.
    rdflib returns to Python between steps, so a timer stops a run at the timeout (and spares reloading the data):
    a timer of the process's CPU time (SIGPROF), which does not run on while another program keeps the process
    stopped; as rdflib runs on one thread, the run has taken at least that long in wall time too. pyoxigraph does
    not return to Python while it evaluates, so there the parent kills the process instead."""
    timeout, runs = args["timeout"], args["runs"]
    alarms = args["engine"] == "rdflib"
    if alarms:
        import rdflib
        started = time.perf_counter()
        dataset = rdflib.Dataset()
        dataset.parse(args["nquads"], format="nquads")
        emit(loaded=time.perf_counter() - started)
        run = lambda text: sum(1 for _ in dataset.query(text))

        def alarm(*_):
            raise _Timeout

        signal.signal(signal.SIGPROF, alarm)
    else:
        from ingest.store import Store
        from queries.runner import PAGE_SIZE
        from queries.runner import run as run_canned
        store = Store(Path(args["store"]), read_only=True)
        emit(lookup_us=_lookup_us(Path(args["store"])))
        run = lambda text: (len(store.select(text).rows) if isinstance(text, str) else
                            len(run_canned(store, text["page"], text["raw"], limit=PAGE_SIZE).rows))

    def timed(text: str) -> tuple[float, int]:
        if alarms:
            signal.setitimer(signal.ITIMER_PROF, timeout)
        try:
            started = time.perf_counter()
            rows = run(text)
            return time.perf_counter() - started, rows
        finally:
            if alarms:
                signal.setitimer(signal.ITIMER_PROF, 0)

    for name, text in args["queries"]:
        emit(start=name)
        try:
            if args["warmup"]:
                seconds, rows = timed(text)
                emit(warm=name, seconds=seconds, rows=rows)
            times: list[float] = []
            while len(times) < runs and (not times or sum(times) + times[-1] <= timeout):
                seconds, rows = timed(text)
                times.append(seconds)
                emit(run=name, seconds=seconds, rows=rows)
        except _Timeout:
            emit(timeout=name)
        except Exception as e:  # a query this engine cannot run: reported, and the next one goes on
            emit(error=name, message=f"{type(e).__name__}: {e}"[:500])
        emit(done=name)
    emit(result={"peak_rss_mib": _peak_rss_mib()})


def _lookup_us(path: Path, count: int = 2000) -> float:
    """Microseconds one index lookup takes in the store at ``path`` (a claim's event: one subject, one predicate),
    the mean over ``count`` claims, read a second time so that the first reading warms the cache as the queries'
    warm-up does. Queries look up some values per answer row, so this is the floor of a large answer's time."""
    import pyoxigraph as ox

    from ontology.terms import AK

    store = ox.Store.read_only(str(path))
    claims = [quad.subject for _, quad in zip(range(count), store.quads_for_pattern(None, AK.asserts, None))]
    seconds = 0.0
    for _ in range(2):
        started = time.perf_counter()
        for claim in claims:
            next(iter(store.quads_for_pattern(claim, AK.asserts, None)))
        seconds = time.perf_counter() - started
    return seconds / max(1, len(claims)) * 1e6


TASKS = {"ingest": _task_ingest, "audit": _task_audit, "queries": _task_queries, "export": _task_export}


def _child_main(task: str):
    args = json.loads(sys.stdin.read())
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # whatever a library prints goes to stderr; stdout carries only our messages

    def emit(**message):
        out.write(json.dumps(message) + "\n")
        out.flush()

    TASKS[task](args, emit)


# --- query parameters taken from the data ----------------------------------------------------------------

_STATE = 'STRSTARTS(STR(?{}), "https://w3id.org/alliance-kg/id/state/")'
_TOP = ("SELECT ?x (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {} }} FILTER(" + _STATE.format("x") + ") }} "
        "GROUP BY ?x ORDER BY DESC(?n) STR(?x) LIMIT 1")
_TOP_PAIR = ("SELECT ?x ?y (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {} }} FILTER(" + _STATE.format("x") + " && "
             + _STATE.format("y") + ") }} GROUP BY ?x ?y ORDER BY DESC(?n) STR(?x) STR(?y) LIMIT 1")
PICKS = {  # what a parameter is given: the state (or pair of states) most frequent in a role, found in the store
    "aligned_toward": _TOP.format("?s ak:stanceKind ak:Aligned ; ak:toward ?x"),
    "opposed_toward": _TOP.format("?s ak:stanceKind ak:Opposed ; ak:toward ?x"),
    "neutral_toward": _TOP.format("?s ak:stanceKind ak:Neutral ; ak:toward ?x"),
    "treaty_party": _TOP.format("?c ak:asserts ?e . ?e ak:treaty ?t . ?t ak:party ?x"),
    "deployment_sender": _TOP.format("?c ak:claimType akt:deployment ; ak:asserts ?e . ?e ak:actor ?x"),
    "deployment_receiver": _TOP.format("?c ak:claimType akt:deployment ; ak:asserts ?e . ?e ak:counterpart ?x"),
    "meeting_party": _TOP.format("?c ak:claimType ?k ; ak:asserts ?e . ?e ak:actor|ak:counterpart ?x "
                                 "FILTER(?k IN (akt:meeting, akt:visit, akt:summit))"),
    "leader_state": _TOP.format("?c ak:claimType akt:leader_of ; ak:asserts ?e . ?e ak:ofState ?x"),
    "party": _TOP.format("?c ak:asserts ?e . ?e ak:actor|ak:counterpart ?x"),
    "aligned_pair": _TOP_PAIR.format("?s ak:stanceKind ak:Aligned ; ak:holder ?x ; ak:toward ?y"),
    "event_pair": _TOP_PAIR.format("?c ak:asserts ?e . ?e ak:actor ?a ; ak:counterpart ?b "
                                   "BIND(IF(STR(?a) < STR(?b), ?a, ?b) AS ?x) "
                                   "BIND(IF(STR(?a) < STR(?b), ?b, ?a) AS ?y)"),
}
CHOICES = {  # (query, parameter) -> (pick, column); an entity parameter not listed gets the most frequent party
    ("aligned-with", "state"): ("aligned_toward", "x"), ("opposed-to", "state"): ("opposed_toward", "x"),
    ("neutral", "toward"): ("neutral_toward", "x"), ("treaties-of", "state"): ("treaty_party", "x"),
    ("deployments", "from"): ("deployment_sender", "x"), ("deployments", "to"): ("deployment_receiver", "x"),
    ("meetings-of", "entity"): ("meeting_party", "x"), ("leaders-of", "state"): ("leader_state", "x"),
    ("claims-about", "entity"): ("party", "x"), ("conflicting-reports", "state"): ("deployment_sender", "x"),
    ("evidence-for", "holder"): ("aligned_pair", "x"), ("evidence-for", "toward"): ("aligned_pair", "y"),
    ("timeline", "a"): ("event_pair", "x"), ("timeline", "b"): ("event_pair", "y"),
}
OVERRIDES = {"claims": {"kind": "alignment"}}  # its example takes no parameter: all claims of one type instead
_EXAMPLE_PARAM = re.compile(r'--param\s+(\w+)=("[^"]*"|\S+)')


def example_params(query) -> dict[str, str]:
    """The parameters the query's own example passes (values as written there)."""
    return {k: v.strip('"') for k, v in _EXAMPLE_PARAM.findall(query.example)}


def choose_params(store) -> list[tuple[str, dict[str, str], str, dict[str, str]]]:
    """(name, parameters as labels, bound query text, parameters as passed) for every canned query. Each query
    gets the parameters its example uses; entity parameters get the entity most frequent in that role in this
    store (so the answer is as large as a popular question's), other values are the example's."""
    from ingest import gazetteer
    from ontology.terms import sparql_prologue
    from queries.catalog import canned
    from queries.runner import bind_params, bound_text

    picked: dict[str, dict | None] = {}

    def pick(name: str, column: str) -> str | None:
        if name not in picked:
            rows = store.select(sparql_prologue() + PICKS[name]).rows
            picked[name] = rows[0] if rows else None
        row = picked[name]
        return row[column].value if row and row.get(column) is not None else None

    gaz = gazetteer.load()
    label = lambda iri: gaz.entities[iri].label if iri in gaz.entities else iri
    chosen = []
    for name, query in canned().items():
        raw = {**example_params(query), **OVERRIDES.get(name, {})}
        for p in query.params:
            if p.kind == "entity" and (p.name in raw or p.required):
                source, column = CHOICES.get((name, p.name), ("party", "x"))
                value = pick(source, column) or (pick("party", "x") if p.required else None)
                if value is None:
                    raw.pop(p.name, None)
                else:
                    raw[p.name] = value
        text = bound_text(query, bind_params(query, raw))
        shown = {k: label(v) if query.param(k).kind == "entity" else v for k, v in raw.items()}
        chosen.append((name, shown, text, raw))
    return chosen


PAGE_SUFFIX = " (page)"


def with_first_pages(chosen) -> list[tuple[str, dict[str, str], str | dict]]:
    """Each query twice: its whole answer (the bound SPARQL text alone), and its first page as 'alliance-kg query'
    shows it (``runner.run`` with the command line's page size: a page reader's two queries, the claims'
    count by document and the documents of the page, or the whole answer grouped and cut), named NAME (page)."""
    return ([(name, shown, text) for name, shown, text, _ in chosen]
            + [(name + PAGE_SUFFIX, shown, {"page": name, "raw": raw}) for name, shown, _, raw in chosen])


def _summary(s: dict, timeout: float) -> str:
    if s["error"]:
        return f"failed: {s['error']}"
    if not s["times"]:
        return f"stopped after {timeout:g} s"
    return (f"median {statistics.median(s['times']) * 1000:,.1f} ms over {len(s['times'])} runs, "
            f"{s['rows']:,} rows")


def _run_queries(engine: str, source: Path, chosen: list[tuple[str, dict, str]], runs: int, timeout: float,
                 log) -> tuple[list[QueryTiming], dict]:
    """Time every query in a child process; a run past the timeout gets the child killed (and a new one started
    for the queries left). Returns the timings and the child's extra figures (load time, peak memory)."""
    params = {name: shown for name, shown, _ in chosen}
    pending = [(name, text) for name, _, text in chosen]
    state: dict[str, dict] = {}
    extra: dict = {"peak_rss_mib": None, "loaded": None, "paused_s": 0.0, "lookup_us": None}
    args = {"engine": engine, "runs": runs, "timeout": timeout, "warmup": engine == "oxigraph",
            "store" if engine == "oxigraph" else "nquads": str(source)}
    load_wait = None if engine == "oxigraph" else 3600.0
    # between two messages: a run, and the child's own time around it (rdflib's runs stop themselves after
    # `timeout` seconds of CPU time, which on a busy machine take longer)
    patience = timeout + 2 + timeout / 10 if engine == "oxigraph" else 3 * timeout + 30
    while pending:
        child = _Child("queries", {**args, "queries": pending})
        current, wait = None, load_wait
        try:
            while True:
                message = child.next(wait if current is None and wait else patience)
                if message is None:
                    break
                if "loaded" in message:
                    extra["loaded"] = message["loaded"]
                    wait = patience
                elif "lookup_us" in message:
                    extra["lookup_us"] = message["lookup_us"]
                elif "start" in message:
                    current = message["start"]
                    state[current] = {"times": [], "rows": None, "warm": None, "timed_out": False, "error": None}
                    log(f"  {engine}: {current} {params[current]}")
                elif "warm" in message:
                    state[current].update(warm=message["seconds"], rows=message["rows"])
                elif "run" in message:
                    state[current]["times"].append(message["seconds"])
                    state[current]["rows"] = message["rows"]
                elif "timeout" in message:
                    state[current]["timed_out"] = True
                elif "error" in message:
                    state[current]["error"] = message["message"]
                elif "done" in message:
                    pending = [q for q in pending if q[0] != current]
                    log(f"    {_summary(state[current], timeout)}")
                    current = None
                elif "result" in message:
                    extra["peak_rss_mib"] = max(extra["peak_rss_mib"] or 0, message["result"]["peak_rss_mib"])
            if child.wait() != 0:
                if current is None:
                    child.finish("queries")  # raises: it failed outside any query (loading the data)
                state[current]["error"] = f"the query process exited with status {child.process.returncode}"
                log(f"    {_summary(state[current], timeout)}")
                pending = [q for q in pending if q[0] != current]
        except queue.Empty:
            child.kill()
            if current is None:
                raise BenchError(f"{engine}: the query process stopped answering") from None
            state[current]["timed_out"] = True
            log(f"    stopped after {timeout:g} s")
            pending = [q for q in pending if q[0] != current]
        extra["paused_s"] += child.paused
    timings = []
    for name, shown, _ in chosen:
        s = state.get(name, {"times": [], "rows": None, "warm": None, "timed_out": True, "error": None})
        times = sorted(t * 1000 for t in s["times"])
        timings.append(QueryTiming(
            name, shown, s["rows"], len(times), statistics.median(times) if times else None,
            times[math.ceil(0.95 * len(times)) - 1] if times else None, times[0] if times else None,
            times[-1] if times else None, s["warm"] * 1000 if s["warm"] is not None else None,
            s["timed_out"] and not times, s["error"]))
    return timings, extra


# --- the phases ------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, settings: Settings, workdir: Path, log: Callable[[str], None]):
        self.settings, self.workdir, self.log = settings, workdir, log
        self.corpus = workdir / "corpus"
        self.written = 0  # articles written to the corpus folder so far
        self.result = BenchResult(_settings_dict(settings), _machine())

    def run(self) -> BenchResult:
        started = time.perf_counter()
        s, r = self.settings, self.result
        self._phase("corpus", self.write_corpus)
        self._phase("ingest", self.ingest)
        if "queries" in s.skip:
            r.queries = {"skipped": "--skip queries"}
            r.rdflib = {"skipped": "--skip queries" if "rdflib" not in s.skip else "--skip rdflib"}
        else:
            self._phase("queries", self.queries, "queries")  # rdflib runs inside, at the first size
        if "server" in s.skip:
            r.server = {"skipped": "--skip server"}
        else:
            self._phase("server", self.server, "server")
        for command in ("validate", "check"):
            if command in s.skip:
                setattr(r, command, {"skipped": f"--skip {command}"})
            else:
                self._phase(command, lambda: self.audit(command), command)
        r.seconds = time.perf_counter() - started
        r.machine["load_average_at_end"] = _load_average()
        r.machine["cpu_reference_ms_at_end"] = _cpu_reference_ms()
        return r

    def _phase(self, name: str, action, section: str | None = None):
        """Run a phase; one with a ``section`` of its own is optional: its failure is recorded there and in the
        notes, and the benchmark goes on (what it measured before failing is kept)."""
        started = time.perf_counter()
        try:
            action()
        except Exception as e:
            if section is None:
                raise
            self._failed(section, e)
        self.result.phase_seconds[name] = round(time.perf_counter() - started, 2)

    def _failed(self, section: str, error: Exception):
        message = f"{type(error).__name__}: {error}" if not isinstance(error, BenchError) else str(error)
        self.log(f"[bench] {section} failed: {message}")
        self.result.notes.append(f"{section} failed: {message}")
        if not getattr(self.result, section):
            setattr(self.result, section, {"error": message})

    def ensure_articles(self, end: int):
        if end > self.written:
            write_articles(self.corpus, self.written, end, self.settings.seed)
            self.written = end

    def write_corpus(self):
        s = self.settings
        self.log(f"[bench] writing {s.articles:,} synthetic articles (seed {s.seed})")
        summary = write_articles(self.corpus, 0, s.articles, s.seed)
        self.written = s.articles
        self.result.corpus = {"articles": summary.articles, "sentences": summary.sentences, "bytes": summary.bytes,
                              "seed": s.seed, "small_articles": s.small, "planted_claims": summary.claims}

    # --- ingest throughput ---
    def _ingest(self, store: Path, start: int, end: int, jobs: int, label: str) -> dict:
        self.ensure_articles(end)
        out, paused = _call("ingest", {"root": str(self.corpus), "store": str(store), "start": start, "end": end,
                                       "jobs": jobs, "label": label})
        self._paused(label, paused)
        return {**out, "paused_s": round(paused, 1)}

    def _paused(self, what: str, seconds: float):
        if seconds >= 1:
            self.result.notes.append(f"{what}: stopped by another program for {seconds:,.0f} s (SIGSTOP); "
                                     "its times include the pause")

    def ingest(self):
        s, r = self.settings, self.result
        plan = [("small", s.small, s.jobs)]
        if s.jobs > 1 and "single" not in s.skip:
            plan.append(("small", s.small, 1))
        plan.append(("large", s.articles, s.jobs))
        if s.jobs > 1 and "single" not in s.skip:
            if s.large_single:
                plan.append(("large", s.articles, 1))
            else:
                r.notes.append(f"the large corpus was ingested with {s.jobs} processes only (--large-single adds "
                               "the one-process run), so linearity with one process is not measured")
        for corpus, articles, jobs in plan:
            label = f"ingest {articles:,} articles, {jobs} process{'es' if jobs > 1 else ''}"
            self.log(f"[bench] {label}")
            store = self.workdir / f"store-{corpus}-{jobs}"
            out = self._ingest(store, 0, articles, jobs, label)
            if out["failed"]:
                r.notes.append(f"{label}: {out['failed']} files failed, first: {out['first_failure']}")
            as_left = _disk_mib(store)
            _settle(store)
            run = IngestRun(corpus, articles, jobs, round(out["seconds"], 3), out["sentences"], out["bytes"],
                            out["claims"], out["failed"], out["triples"], out["base_triples"],
                            round(out["sentences"] / out["seconds"], 1), round(articles / out["seconds"], 2),
                            round(out["bytes"] / MB / out["seconds"], 3), round(out["peak_rss_mib"], 1),
                            _round(out["worker_peak_rss_mib"], 1), round(_disk_mib(store), 1), round(as_left, 1),
                            out["paused_s"], _round(out["compacted_s"], 2), _round(out["disagreements_s"], 2))
            r.ingest.append(run)
            self.log(f"  {run.seconds:.1f} s, {run.sentences_per_s:,.0f} sentences/s, {run.articles_per_s:,.1f} "
                     f"articles/s, peak RSS {run.peak_rss_mib:,.0f} MiB"
                     + (f" (largest worker {run.worker_peak_rss_mib:,.0f} MiB)" if run.worker_peak_rss_mib else "")
                     + (f", store compacted in {run.compacted_s:.1f} s of it" if run.compacted_s else "")
                     + (f", disagreements drawn in {run.disagreements_s:.1f} s" if run.disagreements_s else ""))
            if r.triples_per_article is None:
                r.triples_per_article = (run.triples - run.base_triples) / max(1, articles - run.failed)
            if jobs != s.jobs:  # the one-process stores hold the same graph as the all-cores ones
                shutil.rmtree(store, ignore_errors=True)
        for jobs in sorted({run.jobs for run in r.ingest}):
            small = next((x for x in r.ingest if x.corpus == "small" and x.jobs == jobs), None)
            large = next((x for x in r.ingest if x.corpus == "large" and x.jobs == jobs), None)
            if small and large:
                r.linearity[f"jobs={jobs}"] = round(large.seconds / small.seconds, 2)
        small = next(x for x in r.ingest if x.corpus == "small" and x.jobs == s.jobs)
        large = next(x for x in r.ingest if x.corpus == "large" and x.jobs == s.jobs)
        marginal = ((large.store_mib - small.store_mib) / (large.articles - small.articles) * 1000
                    if large.articles > small.articles else None)
        r.store_size = {"articles": large.articles, "triples": large.triples, "store_mib": large.store_mib,
                        "mib_per_1000_articles": round(large.store_mib / large.articles * 1000, 1),
                        "marginal_mib_per_1000_articles": _round(marginal, 1),
                        "small_store_mib": small.store_mib,
                        "bytes_per_triple": round(large.store_mib * MIB / large.triples, 1)}

    # --- query latency ---
    def queries(self):
        s, r = self.settings, self.result
        store = self.workdir / "store-queries"
        r.queries = []
        base = r.ingest[0].base_triples
        per_article = r.triples_per_article or 300.0
        articles, triples = 0, None  # in the query store so far
        for index, target in enumerate(s.query_triples):
            started, sentences = time.perf_counter(), 0
            for _ in range(4):  # estimate, ingest, count; top up if the estimate fell short
                if triples is not None and triples >= target * 0.99:
                    break
                more = max(1, math.ceil((target - (triples or base)) / per_article))
                label = f"query store to ~{_count(target)} triples: articles {articles:,}..{articles + more - 1:,}"
                self.log(f"[bench] {label}")
                out = self._ingest(store, articles, articles + more, s.jobs, label)
                articles += more
                sentences += out["sentences"]
                triples = out["triples"]
                per_article = max(1.0, (triples - out["base_triples"]) / articles)
            build = time.perf_counter() - started
            _settle(store)
            with _opened(store) as opened:
                chosen = choose_params(opened)
            runs = s.runs_at(index)
            self.log(f"[bench] queries at {triples:,} triples ({articles:,} articles), {runs} runs each")
            timings, extra = _run_queries("oxigraph", store, with_first_pages(chosen), runs, s.query_timeout, self.log)
            r.notes += [f"embedded store at {_count(triples)} triples: {t.name} failed: {t.error}"
                        for t in timings if t.error]
            r.queries.append(QueryScale(target, triples, articles, round(build, 2),
                                        round(sentences / build, 1) if sentences else 0.0,
                                        _round(extra["peak_rss_mib"], 1), timings, round(extra["paused_s"], 1),
                                        _round(extra["lookup_us"], 1)))
            self._paused(f"queries at {_count(triples)} triples", extra["paused_s"])
            if "export" not in s.skip:
                r.queries[-1].export = self.export(store, triples)
            if index == 0:
                if "rdflib" in s.skip:
                    r.rdflib = {"skipped": "--skip rdflib"}
                else:
                    try:
                        self.rdflib(store, chosen, r.queries[0])
                    except Exception as e:
                        self._failed("rdflib", e)

    def export(self, store: Path, triples: int) -> dict:
        """The claims export of a query store, in a child process of its own (for its peak RSS)."""
        self.log(f"[bench] claims export at {triples:,} triples")
        out, paused = _call("export", {"store": str(store)}, timeout=self.settings.audit_timeout)
        self._paused(f"claims export at {_count(triples)} triples", paused)
        if out is None:
            self.result.notes.append(f"claims export at {_count(triples)} triples: stopped after "
                                     f"{self.settings.audit_timeout:.0f} s (--audit-timeout)")
            return {"timed_out": True}
        export = {"seconds": round(out["seconds"], 2), "claims": out["claims"], "mb": round(out["mb"], 1),
                  "claims_per_s": round(out["claims"] / out["seconds"]), "peak_rss_mib": round(out["peak_rss_mib"], 1)}
        self.log(f"  {export['claims']:,} claims in {export['seconds']:.1f} s, peak RSS {export['peak_rss_mib']:,.0f} MiB")
        return export

    def rdflib(self, store: Path, chosen, scale: QueryScale):
        s = self.settings
        dump = self.workdir / "queries.nq"
        with _opened(store) as opened:
            from pyoxigraph import RdfFormat
            dump.write_bytes(opened.dump(RdfFormat.N_QUADS))
        self.log(f"[bench] rdflib: loading {scale.triples:,} triples into rdflib.Dataset(), then the same queries")
        timings, extra = _run_queries("rdflib", dump, [(name, shown, text) for name, shown, text, _ in chosen],
                                      s.rdflib_runs, s.rdflib_timeout, self.log)
        dump.unlink()
        ours = {t.name: t for t in scale.queries}
        rows = []
        for t in timings:
            mine = ours[t.name]
            ratio = at_least = None
            if mine.median_ms:
                if t.median_ms is not None:
                    ratio = round(t.median_ms / mine.median_ms, 1)
                elif t.timed_out:
                    at_least = round(s.rdflib_timeout * 1000 / mine.median_ms, 1)
            rows.append({"name": t.name, "rows": t.rows, "oxigraph_rows": mine.rows, "runs": t.runs,
                         "median_ms": _round(t.median_ms, 1), "timed_out": t.timed_out, "error": t.error,
                         "oxigraph_median_ms": _round(mine.median_ms, 2), "ratio": ratio, "ratio_at_least": at_least})
            if t.rows is not None and mine.rows is not None and t.rows != mine.rows:
                self.result.notes.append(f"rdflib: {t.name} gave {t.rows} rows, the embedded store {mine.rows}")
            if t.error:
                self.result.notes.append(f"rdflib: {t.name} failed: {t.error}")
        self.result.rdflib = RdflibComparison(scale.triples, scale.articles, _round(extra["loaded"], 2),
                                              _round(extra["peak_rss_mib"], 1), s.rdflib_timeout, rows,
                                              round(extra["paused_s"], 1))
        self._paused("rdflib", extra["paused_s"])

    # --- load rate into an Oxigraph server ---
    def server(self):
        r = self.result
        binary = shutil.which("oxigraph")
        if binary is None:
            r.server = {"skipped": "the 'oxigraph' command is not installed (pip install oxigraph, in the test extra)"}
            return
        from pyoxigraph import RdfFormat
        from ingest.load import load, stale_graphs
        from ingest.remote import Endpoint, RemoteStore

        small = next(x for x in r.ingest if x.corpus == "small" and x.jobs == self.settings.jobs)
        self.log(f"[bench] load rate into an Oxigraph server: the {small.articles:,}-article store "
                 f"({small.triples:,} triples)")
        folder = self.workdir / "server"
        folder.mkdir(exist_ok=True)
        dump = folder / "dump.nq"
        with _opened(self.workdir / f"store-small-{self.settings.jobs}") as local:
            dump.write_bytes(local.dump(RdfFormat.N_QUADS))
            triples = len(local)
            documents = len(local.document_fingerprints())
            started = time.perf_counter()
            subprocess.run([binary, "load", "--location", str(folder / "bulk"), "--file", str(dump)], check=True,
                           capture_output=True)
            bulk = time.perf_counter() - started
            process, base = _serve(binary, folder / "served")
            try:
                remote = RemoteStore(Endpoint(f"{base}/query", f"{base}/update", f"{base}/store"))
                graphs, unchanged = stale_graphs(local, remote)
                first = load(local, remote, graphs, unchanged)
                graphs, unchanged = stale_graphs(local, remote, everything=True)
                again = load(local, remote, graphs, unchanged)
            finally:
                process.terminate()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
        r.server = ServerLoad(documents, triples, round(bulk, 2), round(first.seconds, 2),
                              round(again.seconds, 2),
                              round(triples / bulk), round(first.triples_per_second), round(again.triples_per_second))

    # --- check and validate ---
    def audit(self, command: str):
        s, r = self.settings, self.result
        large = next(x for x in r.ingest if x.corpus == "large" and x.jobs == s.jobs)
        if command == "check" and shutil.which("java") is None:
            r.check = {"skipped": "no 'java' on PATH: HermiT needs a Java runtime "
                                  "(apt-get install default-jre-headless)"}
            return
        self.log(f"[bench] {command} on the {large.articles:,}-article store ({large.triples:,} triples)")
        out, paused = _call("audit", {"command": command, "store": str(self.workdir / f"store-large-{s.jobs}")},
                            timeout=s.audit_timeout)
        self._paused(command, paused)
        if out is None:
            run = AuditRun(command, large.articles, large.triples, None, None, None, {}, True, round(paused, 1))
            r.notes.append(f"{command}: stopped after {s.audit_timeout:.0f} s (--audit-timeout)")
        else:
            run = AuditRun(command, large.articles, large.triples, round(out["seconds"], 2),
                           round(out["peak_rss_mib"], 1), _round(out["child_peak_rss_mib"], 1), out["result"],
                           paused_s=round(paused, 1))
            self.log(f"  {run.seconds:.1f} s, peak RSS {run.peak_rss_mib:,.0f} MiB")
        setattr(r, command, run)


def _opened(path: Path):
    """The store opened read-only, for a with block that closes it."""
    from ingest.store import Store
    return Store(path, read_only=True)


def _settle(path: Path):
    """Open the store for writing once and close it: RocksDB folds the write-ahead log into its tables."""
    from ingest.store import Store
    with Store(path) as store:
        store.flush()


def _serve(binary: str, location: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    import requests
    process = subprocess.Popen([binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if process.poll() is not None:
            raise BenchError(f"oxigraph serve exited with status {process.returncode}")
        try:
            requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
            return process, base
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise BenchError("oxigraph serve did not answer within 30 s")


def _round(value, digits):
    return None if value is None else round(value, digits)


def _count(n: float) -> str:
    """A count in three figures: 999,938 reads 1M (not 1e+03k), 10,096,339 10.1M."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        shown = float(f"{n / scale:.3g}")
        if shown >= 1:
            return f"{shown:g}{unit}"
    return f"{n:g}"


def _settings_dict(s: Settings) -> dict:
    d = asdict(s)
    d["skip"] = sorted(s.skip)
    d["small_articles"] = s.small
    return d


def _machine() -> dict:
    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "pyoxigraph": version("pyoxigraph"), "rdflib": version("rdflib"), "oxigraph": version("oxigraph"),
            "java": shutil.which("java") is not None, "load_average_at_start": _load_average(),
            "cpu_reference_ms_at_start": _cpu_reference_ms()}


def _cpu_reference_ms(runs: int = 5) -> float:
    """Milliseconds a fixed pure-Python loop takes here (best of ``runs``): the speed of this machine at the time,
    measured beside the figures. The same code on the same kind of machine runs faster or slower from one day to
    the next (a shared host), and ingest is mostly Python, so two runs compare only with this beside them."""
    best = math.inf
    for _ in range(runs):
        started = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _load_average() -> list[float] | None:
    """1, 5 and 15 minute load averages: on a shared machine, other work slows every figure."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _numbers(text: str, what: str) -> tuple[int, ...]:
    """ "1000000,10000000" or "1M,10M" (k and M suffixes) as numbers."""
    values = []
    for part in text.split(","):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", part)
        if not m:
            raise ValueError(f"{what}: {part.strip()!r} is not a number (e.g. 1000000 or 1M)")
        value = int(float(m[1]) * {"": 1, "k": 1_000, "m": 1_000_000}[m[2].lower()])
        if value < 1:
            raise ValueError(f"{what}: {part.strip()!r} must be at least 1")
        values.append(value)
    return tuple(values)


def settings_from_options(articles=None, seed=0, jobs=None, query_triples=None, runs=None, query_timeout=None,
                          rdflib_timeout=None, audit_timeout=None, large_single=False, skip="",
                          quick=False) -> Settings:
    """Settings from the command line's options (strings as typed); None takes the default, or the quick one.
    Raises ValueError naming the option."""
    given = {"articles": articles, "query_timeout": query_timeout, "rdflib_timeout": rdflib_timeout,
             "audit_timeout": audit_timeout, "large_single": large_single or None}
    if query_triples:
        given["query_triples"] = tuple(sorted(set(_numbers(query_triples, "--query-triples"))))
    if runs:
        given["runs"] = _numbers(runs, "--runs")
    skipped = frozenset(p.strip() for p in (skip or "").split(",") if p.strip())
    unknown = skipped - set(PHASES)
    if unknown:
        raise ValueError(f"--skip: unknown phase {', '.join(sorted(unknown))} (phases: {', '.join(PHASES)})")
    values = {**(Settings.quick_defaults() if quick else {}), **{k: v for k, v in given.items() if v is not None}}
    return Settings(seed=seed, jobs=jobs or os.cpu_count() or 1, skip=skipped, quick=quick, **values)


def run(settings: Settings, workdir: Path | None = None, log: Callable[[str], None] | None = None) -> BenchResult:
    """Run the benchmark in ``workdir`` (kept), or in a temporary folder removed afterwards."""
    log = log or (lambda message: print(message, file=sys.stderr, flush=True))
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        if any(workdir.iterdir()):
            raise BenchError(f"--workdir {workdir}: not empty (the benchmark needs a fresh folder)")
        return Bench(settings, workdir, log).run()
    with tempfile.TemporaryDirectory(prefix="alliance-kg-bench-") as tmp:
        return Bench(settings, Path(tmp), log).run()


# --- the table -------------------------------------------------------------------------------------------

def _table(columns: list[str], rows: list[list], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(columns)))
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.rjust(w) if i in right else v.ljust(w)
                                    for i, (v, w) in enumerate(zip(values, widths))).rstrip()
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _ms(value: float | None, timeout: float, error: str | None = None) -> str:
    if error:
        return "error"
    if value is None:
        return f">{timeout:g} s"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def _load_line(machine: dict) -> str:
    start, end = machine.get("load_average_at_start"), machine.get("load_average_at_end")
    if not start:
        return ""
    cpus = machine.get("cpus") or 1
    busy = " (more than the CPUs: other work was running, figures are slower than on an idle machine)" if max(
        start[1], (end or start)[1]) > cpus else ""
    return (f"Load average (5 min) {start[1]:g} at start, {end[1] if end else start[1]:g} at end, on {cpus} CPUs"
            + busy)


def _speed_line(machine: dict) -> str:
    start, end = machine.get("cpu_reference_ms_at_start"), machine.get("cpu_reference_ms_at_end")
    if start is None:
        return ""
    return (f"CPU reference (a fixed Python loop, best of 5; lower is faster, compare runs by it): {start:g} ms at "
            "start" + (f", {end:g} ms at end" if end is not None else ""))


def _times(ratio: float) -> str:
    return f"{ratio:,.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


def _export_text(export: dict | None) -> str:
    if export is None:
        return "skipped (--skip export)"
    if export.get("timed_out"):
        return "stopped at --audit-timeout"
    return (f"{export['claims']:,} claims, {export['mb']:,.1f} MB in {export['seconds']:,.1f} s "
            f"({export['claims_per_s']:,} claims/s), peak RSS {export['peak_rss_mib']:,.0f} MiB")


def _mib(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def report_text(r: BenchResult) -> str:
    """The results as plain-text tables."""
    s = r.settings
    out = [f"alliance-kg bench: {r.corpus.get('articles', 0):,} and {s['small_articles']:,} synthetic articles "
           f"(seed {s['seed']}), {r.machine['cpus']} CPUs, {s['jobs']} processes for 'all cores'; "
           f"{r.seconds / 60:.1f} min in all", _load_line(r.machine), _speed_line(r.machine), ""]
    out.append("Ingest (text files to stored RDF; peak RSS in MiB)")
    out.append(_table(["corpus", "articles", "processes", "seconds", "sentences/s", "articles/s", "MB/s",
                       "RSS main", "RSS worker", "triples"],
                      [[x.corpus, f"{x.articles:,}", x.jobs, f"{x.seconds:.1f}", f"{x.sentences_per_s:,.0f}",
                        f"{x.articles_per_s:,.1f}", f"{x.mb_per_s:.2f}", _mib(x.peak_rss_mib),
                        _mib(x.worker_peak_rss_mib), f"{x.triples:,}"] for x in r.ingest], right=set(range(1, 10))))
    if r.linearity:
        out.append("Linearity (time for the large corpus / time for the small one, ideal "
                   f"{r.corpus['articles'] / s['small_articles']:g}): "
                   + ", ".join(f"{k} {v:g}x" for k, v in r.linearity.items()))
    if r.store_size:
        z = r.store_size
        out.append(f"Store size: {z['store_mib']:,.0f} MiB for {z['articles']:,} articles ({z['triples']:,} triples): "
                   f"{z['mib_per_1000_articles']:,.1f} MiB per 1,000 articles"
                   + (f" ({z['marginal_mib_per_1000_articles']:,.1f} MiB per 1,000 more)"
                      if z.get("marginal_mib_per_1000_articles") is not None else "")
                   + f", {z['bytes_per_triple']:,.0f} bytes per triple")
    out.append("")
    if isinstance(r.queries, list) and r.queries:
        rd = asdict(r.rdflib) if isinstance(r.rdflib, RdflibComparison) else None
        rd_by = {q["name"]: q for q in rd["queries"]} if rd else {}
        columns, rows = ["query"], {}
        for scale in r.queries:
            tag = _count(scale.triples)
            columns += [f"{tag} median", "p95", "rows"]
            for t in scale.queries:
                rows.setdefault(t.name, [t.name]).extend(
                    [_ms(t.median_ms, s["query_timeout"], t.error), _ms(t.p95_ms, s["query_timeout"], t.error),
                     "—" if t.rows is None else f"{t.rows:,}"])
        if rd:
            columns += [f"rdflib {_count(rd['triples'])}", "ratio"]
            for name, row in rows.items():
                q = rd_by.get(name)
                if q is None:  # a first page: rdflib runs the whole answers only
                    row += ["—", "—"]
                    continue
                ratio = (_times(q["ratio"]) if q.get("ratio") is not None else
                         ">=" + _times(q["ratio_at_least"]) if q.get("ratio_at_least") is not None else "—")
                row += [_ms(q.get("median_ms"), rd["timeout_s"], q.get("error")), ratio]
        out.append("Canned queries in the embedded store (ms; median and p95 of timed runs after a warm-up)")
        out.append(_table(columns, list(rows.values())))
        for scale in r.queries:
            out.append(f"  {_count(scale.triples)}: {scale.triples:,} triples, {scale.articles:,} articles, "
                       f"{scale.queries[0].runs if scale.queries else 0} runs; query process peak RSS "
                       f"{_mib(scale.peak_rss_mib)} MiB; one index lookup "
                       + ("—" if scale.lookup_us is None else f"{scale.lookup_us:,.1f} µs") + "; parameters: "
                       + "; ".join(f"{t.name} " + " ".join(f"{k}={v}" for k, v in t.params.items())
                                   for t in scale.queries if t.params))
            out.append(f"  {_count(scale.triples)}: claims export (every claim, JSON Lines) " + _export_text(scale.export))
        if rd:
            out.append(f"  rdflib: {rd['triples']:,} triples loaded in {rd['load_seconds'] or 0:,.1f} s, peak RSS "
                       f"{_mib(rd['peak_rss_mib'])} MiB; ratio = rdflib median / embedded median at the same size")
    elif isinstance(r.queries, dict):
        out.append(f"Canned queries: skipped ({r.queries['skipped']})")
    if isinstance(r.rdflib, dict) and "skipped" in r.rdflib and not isinstance(r.queries, dict):
        out.append(f"rdflib comparison: skipped ({r.rdflib['skipped']})")
    out.append("")
    if isinstance(r.server, ServerLoad):
        v = r.server
        out.append(f"Load rate into an Oxigraph server ({v.documents:,} documents, {v.triples:,} triples)")
        out.append(_table(["method", "seconds", "triples/s"], [
            ["oxigraph load (bulk loader, one N-Quads file)", f"{v.bulk_seconds:.2f}", f"{v.bulk_triples_per_s:,}"],
            ["alliance-kg load, into an empty server", f"{v.first_seconds:.2f}", f"{v.first_triples_per_s:,}"],
            ["alliance-kg load --all, replacing every graph", f"{v.again_seconds:.2f}", f"{v.again_triples_per_s:,}"]]))
    else:
        out.append(f"Load rate into an Oxigraph server: skipped ({r.server.get('skipped')})")
    out.append("")
    audits = [a for a in (r.validate, r.check) if isinstance(a, AuditRun)]
    if audits:
        out.append("check and validate on the large store")
        out.append(_table(["command", "articles", "triples", "seconds", "RSS python", "RSS child", "result"],
                          [[a.command, f"{a.articles:,}", f"{a.triples:,}",
                            f">{s['audit_timeout']:g}" if a.timed_out else f"{a.seconds:.1f}", _mib(a.peak_rss_mib),
                            _mib(a.child_peak_rss_mib), ", ".join(f"{k} {v}" for k, v in a.result.items())]
                           for a in audits], right={1, 2, 3, 4, 5}))
    for name in ("validate", "check"):
        value = getattr(r, name)
        if isinstance(value, dict) and "skipped" in value:
            out.append(f"{name}: skipped ({value['skipped']})")
    if r.notes:
        out += ["", "Notes:", *(f"- {n}" for n in r.notes)]
    return "\n".join(out)


if __name__ == "__main__":
    _child_main(sys.argv[1])
