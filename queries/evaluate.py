"""Scoring extraction against a gold set (see data/gold/README.md): precision, recall and F1, per claim type.

A predicted claim matches a gold claim when they come from the same sentence (their spans overlap in the same
file) and agree on type, subject and object (either order for symmetric types), hedging, the date at the gold's
precision (a gold date of null is not checked) and the quantity (equal, null included). Matching is one to one.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest import gazetteer, patterns
from ingest.errors import UserError
from ingest.pipeline import ingest_articles
from ingest.store import Store

from .runner import claims

GOLD_FILE = "gold.jsonl"
FIELDS = ("source", "sentence", "type", "subject", "object", "date", "place", "quantity", "hedged")


@dataclass
class Gold:
    source: str
    sentence: str
    type: str
    subject: str | None
    object: str | None
    date: str | None
    place: str | None
    quantity: int | None
    hedged: bool
    start: int = -1
    end: int = -1


@dataclass
class Report:
    overall: dict
    by_type: dict
    misses: list = field(default_factory=list)
    false_positives: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"overall": self.overall, "by_type": self.by_type, "misses": self.misses,
                "false_positives": self.false_positives}


def load_gold(folder: Path) -> list[Gold]:
    """The gold claims of a folder, each placed at its sentence in its article; errors name file and line."""
    path = folder / GOLD_FILE
    if not path.is_file():
        raise UserError(f"{folder}: no {GOLD_FILE} (see data/gold/README.md)")
    types = patterns.load().claim_types
    texts: dict[str, str] = {}
    gold = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserError(f"{where}: not JSON ({e.msg})") from None
        missing = [f for f in FIELDS if f not in record]
        if missing:
            raise UserError(f"{where}: missing {', '.join(missing)}")
        if record["type"] not in types:
            raise UserError(f"{where}: unknown claim type {record['type']!r}")
        source = record["source"]
        if source not in texts:
            file = folder / source
            if not file.is_file():
                raise UserError(f"{where}: no article {source}")
            texts[source] = file.read_text("utf-8-sig")
        item = Gold(**{f: record[f] for f in FIELDS})
        item.start = texts[source].find(item.sentence)
        if item.start < 0:
            raise UserError(f"{where}: sentence not found in {source}")
        item.end = item.start + len(item.sentence)
        gold.append(item)
    return gold


def _entity(name: str | None) -> str | None:
    """A comparable identity for a label: the reference entity's IRI, else the folded label (an entity the
    reference data lacks is known by its name on both sides)."""
    if name is None:
        return None
    entity = gazetteer.load().resolve(name)
    return entity.iri if entity else name.strip().casefold()


def _differences(gold: Gold, predicted: dict, symmetric: bool) -> list[str]:
    """The fields in which a prediction from the same sentence and of the same type disagrees with gold."""
    parties = (_entity(gold.subject), _entity(gold.object))
    found = (_entity(predicted["subject"]), _entity(predicted["object"]))
    differs = []
    if parties != found and not (symmetric and parties == found[::-1]):
        differs += [role for role, g, p in zip(("subject", "object"), parties, found) if g != p]
    if gold.date is not None and (predicted["date"] or "")[:len(gold.date)] != gold.date:
        differs.append("date")
    if gold.quantity != predicted["quantity"]:
        differs.append("quantity")
    if bool(gold.hedged) != bool(predicted["hedged"]):
        differs.append("hedged")
    return differs


def _same_sentence(gold: Gold, predicted: dict) -> bool:
    return (gold.source == predicted["source"] and gold.type == predicted["type"]
            and predicted["start"] < gold.end and gold.start < predicted["end"])


def _matches(gold: Gold, predicted: dict, symmetric: bool) -> bool:
    return _same_sentence(gold, predicted) and not _differences(gold, predicted, symmetric)


def _scores(tp: int, n_predicted: int, n_gold: int) -> dict:
    precision = tp / n_predicted if n_predicted else 1.0
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "gold": n_gold, "predicted": n_predicted, "matched": tp}


def score(gold: list[Gold], predicted: list[dict]) -> Report:
    types = patterns.load().claim_types
    unmatched = list(predicted)
    matched_types: Counter = Counter()
    misses = []
    for item in gold:
        symmetric = bool(types[item.type].get("symmetric"))
        hit = next((p for p in unmatched if _matches(item, p, symmetric)), None)
        if hit is None:
            misses.append({f: getattr(item, f) for f in FIELDS})
        else:
            unmatched.remove(hit)
            matched_types[item.type] += 1
    gold_types, predicted_types = Counter(g.type for g in gold), Counter(p["type"] for p in predicted)
    by_type = {t: _scores(matched_types[t], predicted_types[t], gold_types[t])
               for t in sorted(set(gold_types) | set(predicted_types))}
    missed = [g for g in gold if {f: getattr(g, f) for f in FIELDS} in misses]
    false_positives = []
    for p in unmatched:
        record = {f: p.get(f) for f in ("source", "type", "subject", "object", "date", "quantity", "hedged", "rule",
                                         "start", "end", "quote")}
        near = next((g for g in missed if _same_sentence(g, p)), None)
        if near is not None:  # the gold claim of the same sentence and type, and where they disagree
            record["differs"] = _differences(near, p, bool(types[p["type"]].get("symmetric")))
        false_positives.append(record)
    return Report(_scores(sum(matched_types.values()), len(predicted), len(gold)), by_type, misses, false_positives)


def evaluate(folder: Path, extra_patterns: tuple[str, ...] = ()) -> Report:
    """Ingest a gold set's articles into a throw-away store and score what comes out."""
    gold = load_gold(folder)
    sources = sorted({g.source for g in gold})
    store = Store(None)
    report = ingest_articles([(folder / s, folder) for s in sources], store, extra_patterns)
    if report.failed:
        raise UserError("; ".join(f"{path}: {reason}" for path, reason in report.failed))
    return score(gold, list(claims(store)))
