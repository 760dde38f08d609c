"""Every claim points at the exact text it came from, and the seed files are the seeds, byte for byte."""
import hashlib
import json

from conftest import ARTICLES

SEED_SHA256 = {
    "000_612de2d6d769fa05.txt": "ec10cbe8959f4478d5c92705981d0d8c35a36881a3e10fe65f61c20d894f4980",
    "001_4c8b468883f66ce7.txt": "5525028500d1b75170ebf6f28414f1ef751bb3257c405b2d97ec02f2b5852495",
    "002_52543ea0e9029bda.txt": "3e24247b264a693893929ecf1186a47f2f8321a2319e0e85d8e6377be7758a09",
    "003_8fa4dafbef7b3d9f.txt": "a37a7dc828dfe51316e400fe04c15b669216ee9b41d6bd056b936aabfa4e8c07",
}


def test_seed_articles_are_unchanged():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in ARTICLES.glob("*.txt")}
    assert found == SEED_SHA256


def test_every_quote_is_the_file_text_at_its_offsets(run_cli):
    records = [json.loads(line) for line in run_cli("claims", "--format", "jsonl").stdout.splitlines()]
    assert len(records) > 40
    texts = {name: (ARTICLES / name).read_text("utf-8") for name in SEED_SHA256}
    for record in records:
        assert record["quote"] == texts[record["source"]][record["start"]:record["end"]], record


def test_claims_carry_the_jsonl_contract(run_cli):
    record = json.loads(run_cli("claims", "--format", "jsonl").stdout.splitlines()[0])
    assert {"type", "subject", "object", "subject_id", "object_id", "date", "place", "quantity", "hedged",
            "source", "start", "end", "quote"} <= record.keys()


def test_documents_record_path_and_hash(seed_store):
    rows = seed_store.select(
        "PREFIX ak: <https://w3id.org/alliance-kg/ontology#> "
        "SELECT ?path ?hash WHERE { GRAPH ?d { ?d ak:sourcePath ?path ; ak:sha256 ?hash } }").rows
    assert {r["path"].value: r["hash"].value for r in rows} == SEED_SHA256


def test_boilerplate_yields_no_claims(run_cli):
    records = [json.loads(line) for line in run_cli("claims", "--format", "jsonl").stdout.splitlines()]
    assert not [r for r in records if "RELATED ARTICLES" in r["quote"] or "LEAVE A REPLY" in r["quote"]]
    text = (ARTICLES / "000_612de2d6d769fa05.txt").read_text("utf-8")
    furniture_starts = text.index("RELATED ARTICLES")
    assert all(r["start"] < furniture_starts for r in records if r["source"].startswith("000_"))
