"""Answers and rows as readable tables, JSON, JSON Lines or CSV."""
from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterable, Iterator

from .runner import Answer

TABLE, JSON, JSONL, CSV = "table", "json", "jsonl", "csv"


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table(columns: list[str], rows: list[dict]) -> str:
    """A plain-text table with a header rule; empty results say so."""
    if not rows:
        return "(no results)"
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(columns), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def _shown_columns(answer: Answer) -> list[str]:
    return [c for c in answer.columns if not c.endswith("_id")]


def answer_table(answer: Answer, evidence_lines: int = 3) -> str:
    """Each answer as a table row followed by its evidence: source, offsets and the sentence."""
    if not answer.rows:
        return "(no results)"
    columns = _shown_columns(answer)
    header = table(columns, answer.rows).splitlines()
    out = header[:2]
    for line, row in zip(header[2:], answer.rows):
        out.append(line)
        sentences = list({(e["source"], e["start"], e["end"]): e for e in reversed(row["evidence"])}.values())[::-1]
        for e in sentences[:evidence_lines]:
            hedge = " (hedged)" if e.get("hedged") else ""
            out.append(f"    {e['source']}:{e['start']}-{e['end']}{hedge}  “{e['quote']}”")
        if len(sentences) > evidence_lines:
            out.append(f"    … and {len(sentences) - evidence_lines} more sentences (use --format json for all)")
    return "\n".join(out)


def answer_json(answer: Answer) -> str:
    return json.dumps({"query": answer.query, "params": answer.params, "offset": answer.offset,
                       "total": answer.total, "rows": answer.rows}, ensure_ascii=False, indent=2)


def page_note(answer: Answer) -> str | None:
    """What a page leaves out, and the options that show it (None when it shows every answer)."""
    first, last, total = answer.offset + 1, answer.offset + len(answer.rows), answer.total
    if not answer.rows and answer.offset:
        return f"no answers from --offset {answer.offset} on: there are {total}"
    if last < total:
        return f"answers {first}–{last} of {total}; the next ones: --offset {last}; all of them: --all"
    return f"answers {first}–{last} of {total}" if answer.offset else None


def answer_csv(answer: Answer) -> str:
    """One line per piece of evidence, the answer's columns repeated."""
    columns = answer.columns + ["source", "start", "end", "quote"]
    lines = []
    for row in answer.rows:
        for e in row["evidence"] or [{}]:
            lines.append({**{c: row.get(c) for c in answer.columns}, **{c: e.get(c) for c in columns[-4:]}})
    return rows_csv(columns, lines)


def rows_csv(columns: list[str], rows: Iterable[dict]) -> str:
    return "".join(csv_pieces(columns, rows)).rstrip("\n")


def rows_json(rows) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def rows_jsonl(rows: Iterable[dict]) -> str:
    return "".join(jsonl_pieces(rows)).rstrip("\n")


# The same texts in pieces, a row at a time and each ending with a newline, so that a long listing (the claims
# export) is written as it is read, never held whole.

def csv_pieces(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: ("" if row.get(c) is None else row.get(c)) for c in columns})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()  # the header, when there were no rows


def json_pieces(rows: Iterable[dict]) -> Iterator[str]:
    """The JSON array ``rows_json`` writes for a list of rows."""
    opened = False
    for row in rows:
        yield ("," if opened else "[") + "\n" + textwrap.indent(json.dumps(row, ensure_ascii=False, indent=2), "  ")
        opened = True
    yield "\n]\n" if opened else "[]\n"


def jsonl_pieces(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def evaluation_table(report: dict) -> str:
    """Scores overall and per claim type, then every miss and false positive with its sentence."""
    metrics = ["precision", "recall", "f1", "gold", "predicted", "matched"]
    rows = [{"type": "overall", **report["overall"]}] + [{"type": t, **s} for t, s in report["by_type"].items()]
    out = [table(["type"] + metrics, rows)]
    describe = lambda c: (f"{c['type']}: {c['subject']} -> {c['object']} date={_cell(c['date'])} "
                          f"quantity={_cell(c['quantity'])} hedged={_cell(c['hedged'])}")
    out.append(f"\nmisses ({len(report['misses'])}):")
    out += [f"  {describe(m)}\n    {m['source']}: “{m['sentence']}”" for m in report["misses"]]
    out.append(f"\nfalse positives ({len(report['false_positives'])}):")
    near = lambda p: f" (a gold claim of this sentence differs in: {', '.join(p['differs'])})" if p.get("differs") else ""
    out += [f"  {describe(p)} [{p['rule']}]{near(p)}\n    {p['source']}:{p['start']}-{p['end']}: “{p['quote']}”"
            for p in report["false_positives"]]
    return "\n".join(out)
