"""Ingest against a real on-disk store: idempotence, replacement, bad files, extra pattern files, parallel
processes and streaming."""
import json
from pathlib import Path

import pytest
import pyoxigraph as ox
from pyoxigraph import Literal, Quad, Triple
from click.testing import CliRunner

from bench.corpus import generate
from ingest import pipeline
from ingest.pipeline import CHUNK, IN_FLIGHT, _start_worker, find_articles, ingest_articles, process
from ingest.mapping import document_quads
from ingest.reader import read_article
from ingest.store import Store
from ontology.terms import AK
from queries.catalog import rules
from queries.cli import cli


def ingest(store, *args):
    return CliRunner().invoke(cli, ["--store", str(store), "ingest", *map(str, args), "--format", "json"])


def dump(store) -> set:
    return set(Store(store, read_only=True).quads())


def test_reingesting_unchanged_files_changes_nothing(tmp_path, articles_copy):
    store = tmp_path / "store"
    first = ingest(store, articles_copy)
    assert json.loads(first.stdout)["added"] == 4
    before = dump(store)
    second = ingest(store, articles_copy)
    assert json.loads(second.stdout) == {"added": 0, "replaced": 0, "unchanged": 4, "failed": 0, "claims": 0}
    assert dump(store) == before


def test_a_changed_file_replaces_its_claims(tmp_path, articles_copy):
    store = tmp_path / "store"
    ingest(store, articles_copy)
    article = articles_copy / "002_52543ea0e9029bda.txt"
    article.write_text(article.read_text("utf-8").replace("Brazil’s Foreign Minister Mauro Vieira emphasized neutrality",
                                                          "Brazil’s Foreign Minister Mauro Vieira criticized Russia"), "utf-8")
    result = json.loads(ingest(store, articles_copy).stdout)
    assert result["replaced"] == 1 and result["unchanged"] == 3
    runner = CliRunner()
    neutral = json.loads(runner.invoke(cli, ["--store", str(store), "query", "neutral", "--format", "json"]).stdout)
    assert neutral["rows"] == []
    opposed = json.loads(runner.invoke(cli, ["--store", str(store), "ask", "who opposed Russia?", "--format", "json"]).stdout)
    assert "Brazil" in {r["entity"] for r in opposed["rows"]}


def test_a_clean_store_and_a_reingested_one_are_identical(tmp_path, articles_copy):
    ingest(tmp_path / "a", articles_copy)
    ingest(tmp_path / "b", articles_copy)
    ingest(tmp_path / "b", articles_copy)
    assert dump(tmp_path / "a") == dump(tmp_path / "b")


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path, articles_copy):
    clean = json.loads(ingest(tmp_path / "clean", articles_copy).stdout)
    (articles_copy / "empty.txt").write_bytes(b"")
    (articles_copy / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00")
    (articles_copy / ".hidden.txt").write_text("Russia and China signed a treaty.")
    store = tmp_path / "store"
    result = ingest(store, articles_copy)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {**clean, "failed": 2}
    errors = result.stderr.splitlines()
    assert "error: binary.txt: binary file (NUL bytes), not a text article" in errors
    assert "error: empty.txt: empty file" in errors
    assert dump(store) == dump(tmp_path / "clean")  # nothing of the failed files, nothing of the hidden one


def test_a_missing_path_is_an_error(tmp_path):
    result = ingest(tmp_path / "store", tmp_path / "nope")
    assert result.exit_code == 1 and "nope: no such file or folder" in result.stderr


def test_latin1_and_utf16_files_are_decoded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "Finland and Sweden have joined NATO for protection against Russian aggression. Café talk.\n"
    (folder / "latin1.txt").write_bytes(text.encode("latin-1"))
    (folder / "utf16.txt").write_bytes(text.encode("utf-16"))
    store = tmp_path / "store"
    assert json.loads(ingest(store, folder).stdout)["added"] == 2
    out = CliRunner().invoke(cli, ["--store", str(store), "claims", "--format", "jsonl"]).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert {r["source"] for r in records} == {"latin1.txt", "utf16.txt"}
    assert all(r["quote"].startswith("Finland and Sweden") for r in records)


def test_an_extra_pattern_folder_takes_effect_without_code_changes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Ruritania aside, Chile pledged solidarity with Peru.\n")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "solidarity.toml").write_text(
        '[[rule]]\nid = "alignment/pledged-solidarity"\ntype = "alignment"\n'
        'pattern = "{actor:ACTOR} (?:{ADV} ){0,2}pledged solidarity with {counterpart:ACTOR}"\n')
    assert json.loads(ingest(tmp_path / "s1", folder).stdout)["claims"] == 0
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s2"), "ingest", str(folder), "--patterns", str(rules),
                                      "--format", "json"])
    assert json.loads(result.stdout)["claims"] == 1


def test_a_broken_pattern_file_is_named(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.toml").write_text('[[rule]]\nid = "x"\ntype = "alignment"\npattern = "{actor:NOPE}"\n')
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ingest", str(tmp_path), "--patterns", str(rules)])
    assert result.exit_code == 1 and "bad.toml: rule x: unknown slot or macro {NOPE}" in result.stderr


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, 120, seed=3)
    return folder


@pytest.fixture
def mixed(generated) -> list[tuple[Path, Path]]:
    """(file, root) pairs of 24 generated articles and the seeds."""
    return find_articles([generated])[:24] + find_articles([Path(__file__).parents[1] / "data" / "articles"])


def test_parallel_ingest_gives_the_graph_one_process_gives(tmp_path, generated):
    one = ingest(tmp_path / "one", generated, "--jobs", "1")
    two = ingest(tmp_path / "two", generated, "--jobs", "2")
    counts = lambda result: {k: v for k, v in json.loads(result.stdout).items() if not k.endswith("_seconds")}
    assert counts(one) == counts(two) and counts(one)["added"] == 120  # how long each step took may differ
    assert "disagreements_seconds" in json.loads(one.stdout) and "disagreements_seconds" in json.loads(two.stdout)
    assert dump(tmp_path / "one") == dump(tmp_path / "two")


class BatchCountingStore(Store):
    """The real store, noting how many documents each write brings (one fingerprint line each)."""
    sizes: list[int]

    def add_documents(self, content: bytes, fingerprints: bytes, replacing=()):
        self.sizes.append(fingerprints.count(b"\n"))
        super().add_documents(content, fingerprints, replacing)


def test_write_batches_grow_with_the_run_up_to_a_cap_end_small_and_give_the_graph_one_batch_gives(
        tmp_path, generated, monkeypatch):
    def batches(name, smallest):
        with BatchCountingStore(tmp_path / name) as store:
            store.sizes = []
            ingest_articles(find_articles([generated]), store, batch=smallest, compact_after=None)
        return store.sizes

    growing = batches("growing", 4)
    assert sum(growing) == 120 and growing[:4] == [4, 4, 4, 4]
    written = [sum(growing[:i + 1]) for i in range(len(growing))]
    assert all(size <= max(4, total // 4) for size, total in zip(growing, written))  # a quarter of those written
    assert max(growing) >= 120 // 5  # grown to about a quarter of the run by its end
    # near the end, a batch goes once it holds as many as are still to come (and 32): the last one is small
    assert batches("tail", 1000) == [60, 32, 28]
    monkeypatch.setattr(pipeline, "TAIL", 1000)
    assert batches("one", 120) == [120]
    assert dump(tmp_path / "growing") == dump(tmp_path / "one") == dump(tmp_path / "tail")
    monkeypatch.setattr(pipeline, "MAX_BATCH_BYTES", 1)  # every document is over the cap on its own
    assert batches("capped", 4) == [1] * 120


def test_ingest_streams_files_with_a_few_in_flight(tmp_path):
    """Files are read as workers need them, not all at once, so memory does not grow with the corpus."""
    window = (2 * IN_FLIGHT + 1) * CHUNK  # chunks sent ahead to two workers, and the one being formed
    generate(tmp_path / "in", window + 40, seed=4)
    pulled, seen_at_first_result = 0, []

    def files():
        nonlocal pulled
        for pair in find_articles([tmp_path / "in"]):
            pulled += 1
            yield pair

    report = ingest_articles(files(), Store(tmp_path / "store"), jobs=2,
                             progress=lambda rel: seen_at_first_result.append(pulled))
    assert len(report.added) == pulled == window + 40
    assert seen_at_first_result[0] <= window



def test_a_document_a_killed_run_left_without_its_fingerprint_is_dropped_and_ingested_again(tmp_path, articles_copy):
    """Triples go in before the fingerprint that marks a document whole; a run first drops what lacks one."""
    store_path = tmp_path / "store"
    ingest(store_path, articles_copy)
    clean = dump(store_path)
    store = Store(store_path)
    doc = next(g for g in store.fingerprints() if "/doc/" in g.value)
    half = list(store.graph_quads(doc))[::2]  # as if killed mid-write: some triples, no fingerprint
    stale = Quad(doc, AK.sourcePath, Literal("an older version"), doc)  # which the new write would not replace
    store.replace_graph(doc, [q for q in half if q.predicate != AK.sha256] + [stale])
    store.flush()
    del store
    result = json.loads(ingest(store_path, articles_copy).stdout)
    assert result["added"] == 1 and result["unchanged"] == 3
    assert dump(store_path) == clean


def test_readers_are_warned_of_a_run_that_stopped_half_way_until_an_ingest_repairs_it(tmp_path, articles_copy,
                                                                                      monkeypatch):
    store_path = tmp_path / "store"
    ingest(store_path, articles_copy)
    (articles_copy / "new.txt").write_text("Chile and Peru signed a defence treaty on 3 May 2024.", "utf-8")
    ingest(tmp_path / "clean", articles_copy)
    add_documents = Store.add_documents

    def stopped(self, content, fingerprints, replacing=()):  # as if killed between the triples and the fingerprints
        add_documents(self, content, b"", replacing)
        raise OSError("killed")

    monkeypatch.setattr(Store, "add_documents", stopped)
    assert isinstance(ingest(store_path, articles_copy).exception, OSError)
    monkeypatch.undo()
    ask = lambda: CliRunner().invoke(cli, ["--store", str(store_path), "ask", "who aligned with Russia?"])
    warned = ask()
    assert warned.exit_code == 0 and warned.stderr.startswith(f"warning: store {store_path}: an ingest or check stopped before")
    assert len(warned.stderr.splitlines()) == 1 and "alliance-kg ingest" in warned.stderr
    assert json.loads(ingest(store_path, articles_copy).stdout)["added"] == 1
    assert ask().stderr == ""
    assert dump(store_path) == dump(tmp_path / "clean")


def test_documents_processed_together_give_the_graphs_each_gives_alone(mixed):
    """Workers derive stances for a chunk of documents at once; no document's stances may depend on another's."""
    _start_worker(())
    tasks = [(str(file.relative_to(root)), file.read_bytes(), False) for file, root in mixed]
    together = process(tasks)
    alone = [process([task])[0] for task in tasks]
    assert [set(p.nquads.splitlines()) for p in together] == [set(p.nquads.splitlines()) for p in alone]
    assert all(p.error is None and b"/stance/" in p.nquads for p in together[-4:])


def test_rules_given_the_quads_they_name_draw_what_they_draw_from_whole_graphs(mixed):
    """Derivation copies into the rules' store only the quads whose predicate a rule names; every rule must draw
    the stances it draws from the documents' whole graphs."""
    _start_worker(())
    results = [pipeline._extractor.extract(read_article(file.read_bytes(), str(file.relative_to(root))))
               for file, root in mixed]
    quads = [q for result in results for q in document_quads(result)[1]]
    whole = ox.Store()
    whole.extend(quads)
    drawn = {t for rule in rules().values() for t in whole.query(rule.text)}
    derived = pipeline.derive(quads)
    assert sum(q.predicate in pipeline._rule_inputs() for q in quads) < len(quads) / 3  # most are left out
    assert len(derived) > 100 and {Triple(q.subject, q.predicate, q.object) for q in derived} == drawn


def test_a_store_being_written_is_not_read_meanwhile_and_a_store_being_read_is_not_written(tmp_path, articles_copy):
    """RocksDB makes a reader of a store another process writes undefined behaviour: each waits its turn, and
    the one refused says why in a line, exit status 1, nothing changed."""
    store_path = tmp_path / "store"
    ingest(store_path, articles_copy)
    before = dump(store_path)
    with Store(store_path):  # a writer holds it (as an ingest or a check would)
        result = CliRunner().invoke(cli, ["--store", str(store_path), "ask", "who aligned with Russia?"])
        assert result.exit_code == 1
        assert "another alliance-kg process is writing to it" in result.stderr
    with Store(store_path, read_only=True):  # a reader holds it (as a serve would)
        (articles_copy / "new.txt").write_text("Chile and Peru signed a defence treaty on 3 May 2024.", "utf-8")
        result = ingest(store_path, articles_copy)
        assert result.exit_code == 1 and "in use by another alliance-kg process" in result.stderr
    assert dump(store_path) == before
    assert json.loads(ingest(store_path, articles_copy).stdout)["added"] == 1  # once the reader is gone


class CompactionCountingStore(Store):
    """The real store, noting how many table files it had before and after each compaction."""
    noted: list[tuple[int, int]]

    def compact(self):
        files = lambda: len(list(self.path.glob("*.sst")))
        before = files()
        super().compact()
        self.noted.append((before, files()))


def test_a_large_run_ends_by_compacting_the_store_and_the_graph_stays_the_same(tmp_path, generated):
    def run(name, compact_after):
        with CompactionCountingStore(tmp_path / name) as store:
            store.noted = []
            return ingest_articles(find_articles([generated]), store, batch=16, compact_after=compact_after), store
    compacted, compacting = run("compacted", 100)
    left, leaving = run("left", 121)
    assert compacted.compacted_s is not None and left.compacted_s is None  # 120 documents written
    assert len(compacting.noted) == 1 and leaving.noted == []
    assert dump(tmp_path / "compacted") == dump(tmp_path / "left")
    # Counted as it compacts: the disagreements drawn after it add files of their own, and how many of the bulk
    # loader's files RocksDB merged meanwhile in the background varies with the machine (35 to 43 here as it
    # compacts; comparing the finished stores, CI once counted 17 files against 28 left uncompacted).
    before, after = compacting.noted[0]
    assert after < before


def test_ingest_compacts_when_asked_and_not_when_told_not_to_and_compact_does_it_later(tmp_path, generated):
    run = lambda name, *args: CliRunner().invoke(cli, ["--store", str(tmp_path / name), *args])
    asked = run("asked", "ingest", str(generated), "--jobs", "1", "--compact", "--format", "json")
    told_not = run("left", "ingest", str(generated), "--jobs", "1", "--no-compact", "--format", "json")
    assert "compacted_seconds" in json.loads(asked.stdout) and "compacted_seconds" not in json.loads(told_not.stdout)
    # each run changed the documents, so each drew the disagreements again; a run that changes none draws nothing
    assert all("disagreements_seconds" in json.loads(r.stdout) for r in (asked, told_not))
    again = run("asked", "ingest", str(generated), "--jobs", "1", "--compact")
    assert again.stdout.startswith("0 added, 0 replaced, 120 unchanged, 0 failed, 0 claims; store compacted in ")
    assert "disagreements drawn" not in again.stdout
    files = lambda name: len(list((tmp_path / name).glob("*.sst")))
    left = files("left")
    result = run("left", "compact")
    assert result.exit_code == 0 and result.stdout.startswith("store compacted in ")
    assert files("left") < left and dump(tmp_path / "left") == dump(tmp_path / "asked")
    for command in ("compact", "check"):  # neither makes an empty store where there is none
        missing = run("missing", command)
        assert missing.exit_code == 1 and "no store there yet" in missing.stderr and not (tmp_path / "missing").exists()


def test_a_bug_met_by_one_document_fails_that_file_in_one_line_and_the_batch_goes_on(tmp_path, articles_copy, monkeypatch):
    from ingest.extract import Extractor

    extract = Extractor.extract

    def failing(self, article):  # stands for any bug a document could trigger
        if article.path == "001_4c8b468883f66ce7.txt":
            raise KeyError("unexpected")
        return extract(self, article)

    monkeypatch.setattr(Extractor, "extract", failing)
    with Store(tmp_path / "store") as store:
        report = ingest_articles(find_articles([articles_copy]), store, jobs=1)
    assert len(report.added) == 3
    assert report.failed == [("001_4c8b468883f66ce7.txt", "001_4c8b468883f66ce7.txt: could not be read into claims "
                              "(KeyError: 'unexpected'); this is a bug in alliance-kg, please report it with the file")]
