"""The synthetic benchmark corpus (bench/corpus.py): reproducible, sized like news, and read by the real
pipeline as it was planted: claim sentences give their claims, background sentences and headlines give none."""
import json
from collections import Counter

from click.testing import CliRunner

from bench.corpus import article, generate, iter_articles
from ingest import gazetteer
from ingest.pipeline import ingest
from ingest.reader import read_article
from ingest.sentences import split_sentences
from ingest.store import Store
from queries.cli import cli


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.txt"))}


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_corpus(tmp_path):
    first, again, other = (generate(tmp_path / name, 25, seed) for name, seed in (("a", 7), ("b", 7), ("c", 8)))
    assert files(tmp_path / "a") == files(tmp_path / "b") and first == again
    a, c = files(tmp_path / "a"), files(tmp_path / "c")
    assert a.keys() == c.keys() and all(a[name] != c[name] for name in a)
    assert other != first


def test_an_article_does_not_depend_on_how_many_are_made():
    assert list(iter_articles(12, seed=3))[:5] == list(iter_articles(5, seed=3))


def test_files_go_in_subfolders_of_a_thousand_and_the_summary_counts_them(tmp_path):
    summary = generate(tmp_path, 1003, seed=2)
    written = files(tmp_path)
    assert sum(name.startswith("0000/") for name in written) == 1000
    assert sorted(name for name in written if name.startswith("0001/")) == ["0001/001000.txt", "0001/001001.txt",
                                                                            "0001/001002.txt"]
    assert summary.articles == 1003 and summary.bytes == sum(map(len, written.values()))
    assert summary.claims == dict(Counter(p.type for i in range(1003) for p in article(i, 2).planted))
    assert summary.sentences == sum(article(i, 2).sentences for i in range(1003))


def test_articles_are_3_to_6_kb_with_20_to_40_sentences_a_third_of_them_claims():
    sentences = claim_sentences = 0
    for i in range(300):
        a = article(i, seed=1)
        data = a.text.encode("utf-8")
        assert 3_000 <= len(data) <= 6_000, a.name
        read = read_article(data, a.name)
        assert read.published is not None and read.published.earliest == a.published, a.name
        count = len(split_sentences(read.text, read.body))
        assert 20 <= count <= 40 and count == a.sentences, a.name
        sentences += count
        claim_sentences += len({p.sentence for p in a.planted})
    assert 0.28 <= claim_sentences / sentences <= 0.42


def test_many_states_appear():
    gaz = gazetteer.load()
    states = {m.iri for _, text in iter_articles(200, seed=5) for m in gaz.find(text) if m.kind in "SA"}
    assert len(states) >= 150


def test_the_pipeline_finds_the_planted_claims_and_nothing_in_background_sentences(tmp_path):
    folder, store = tmp_path / "corpus", tmp_path / "store"
    generate(folder, 30, seed=11)
    report = ingest([folder], Store(store))
    assert report.ok and len(report.added) == 30
    out = CliRunner().invoke(cli, ["--store", str(store), "claims", "--format", "jsonl"], catch_exceptions=False)
    records = [json.loads(line) for line in out.stdout.splitlines()]
    extracted = {(r["source"], r["quote"], r["type"]) for r in records}
    planted = [(a.name, p) for a in (article(i, 11) for i in range(30)) for p in a.planted]
    found, total = Counter(), Counter()
    for name, p in planted:
        total[p.type] += 1
        found[p.type] += (name, p.sentence, p.type) in extracted
    assert len(total) >= 12
    assert sum(found.values()) >= 0.85 * sum(total.values())
    assert {t: found[t] / n for t, n in total.items() if n >= 5 and found[t] < 0.7 * n} == {}
    # Every claim comes from a sentence written to make one: background sentences and headlines yield none.
    claim_sentences = {(name, p.sentence) for name, p in planted}
    assert [(r["source"], r["quote"]) for r in records if (r["source"], r["quote"]) not in claim_sentences] == []
