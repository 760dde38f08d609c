"""alliance-kg eval: the matching rules on a small written gold set, the JSON contract, and quality floors."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.errors import UserError
from queries.cli import cli
from queries.evaluate import evaluate

GOLD = Path(__file__).parents[1] / "data" / "gold"


def gold_set(tmp_path, article: str, claims: list[dict]) -> Path:
    (tmp_path / "a.txt").write_text(article, encoding="utf-8")
    base = {"source": "a.txt", "date": None, "place": None, "quantity": None, "hedged": False}
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps({**base, **c}) for c in claims), encoding="utf-8")
    return tmp_path


def test_symmetric_types_match_in_either_order_and_dates_at_the_golds_precision(tmp_path):
    folder = gold_set(tmp_path, "Kenya and Uganda signed a defence pact on March 3, 2024.\n", [
        {"sentence": "Kenya and Uganda signed a defence pact on March 3, 2024.", "type": "treaty_signed",
         "subject": "Uganda", "object": "Kenya", "date": "2024-03"},
    ])
    report = evaluate(folder)
    assert report.overall["recall"] == 1.0 and report.overall["precision"] == 1.0


@pytest.mark.parametrize("change", [{"quantity": 500}, {"hedged": True}, {"date": "2023"}, {"object": "Tanzania"}])
def test_a_claim_differing_in_quantity_hedging_date_or_party_is_a_miss(tmp_path, change):
    folder = gold_set(tmp_path, "Kenya sent troops to Somalia in 2024.\n", [
        {"sentence": "Kenya sent troops to Somalia in 2024.", "type": "deployment", "subject": "Kenya",
         "object": "Somalia", "date": "2024", **change},
    ])
    report = evaluate(folder).as_dict()
    assert report["overall"]["recall"] == 0.0
    [fp] = report["false_positives"]
    assert fp["differs"] == list(change)


def test_a_sentence_not_in_its_article_is_named(tmp_path):
    folder = gold_set(tmp_path, "Nothing here.\n", [{"sentence": "Kenya sent troops.", "type": "deployment",
                                                     "subject": "Kenya", "object": None}])
    with pytest.raises(UserError, match="gold.jsonl:1: sentence not found in a.txt"):
        evaluate(folder)


def test_eval_json_contract():
    result = CliRunner().invoke(cli, ["eval", str(GOLD / "seeds"), "--format", "json"])
    report = json.loads(result.stdout)
    assert set(report) == {"overall", "by_type", "misses", "false_positives"}
    assert {"precision", "recall", "f1"} <= report["overall"].keys()
    assert all("sentence" in m for m in report["misses"]) and all("quote" in p for p in report["false_positives"])


# Floors a little under the figures in README, so a change that makes extraction worse fails here.
@pytest.mark.parametrize("name, precision, recall", [("seeds", 0.95, 0.88), ("dev", 0.95, 0.79)])
def test_quality_does_not_fall(name, precision, recall):
    overall = evaluate(GOLD / name).overall
    assert overall["precision"] >= precision and overall["recall"] >= recall, overall
