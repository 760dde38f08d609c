"""Drawing the pictures with graphviz: the stance network and the timeline between two states, as SVG or PNG.

Graphviz lays out, routes and renders both, with the fonts it finds. The network goes through ``neato`` with
overlap removal: each line's label is a small node of its own in the middle of the line, so labels can no more
overlap each other or a state than two states can. The timeline is placed here, on a time axis, and graphviz
draws it where it is put (``neato -n2``), after a first pass that measures each label as it will be drawn.
"""
from __future__ import annotations

import html
import tomllib
from collections import Counter
from datetime import date
from importlib import resources
from pathlib import Path

import graphviz

from ingest.dates import parse_date
from ingest.errors import UserError

from .picture_data import SYMMETRIC_TYPES, UNDIRECTED, Event, Network, Timeline

FORMATS = {".svg": "svg", ".png": "png"}


def style() -> dict:
    """Colours and legend words (``pictures/style.toml``)."""
    return tomllib.loads(resources.files("queries").joinpath("pictures", "style.toml").read_text("utf-8"))


def picture_format(path: Path) -> str:
    """The format a file's extension asks for; the error names the option and the formats there are."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"-o {path}: unknown picture format {path.suffix or '(no extension)'!r}; use .svg or .png")
    return fmt


def write(graph: graphviz.Digraph, path: Path, neato_no_op: int | None = None):
    """Render ``graph`` in the format ``path``'s extension names and write it there (folders made)."""
    data = _pipe(graph, picture_format(path), neato_no_op)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as e:
        raise UserError(f"-o {path}: cannot write ({e.strerror})") from None


def _pipe(graph: graphviz.Digraph, fmt: str, neato_no_op: int | None = None) -> bytes:
    try:
        return graph.pipe(format=fmt, neato_no_op=neato_no_op)
    except graphviz.ExecutableNotFound:
        raise UserError(f"graphviz: the '{graph.engine}' program is not installed (apt-get install graphviz)") from None
    except graphviz.CalledProcessError as e:
        reason = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines() or [str(e)]
        raise UserError(f"graphviz: {graph.engine} failed: {reason[-1]}") from None


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _legend(title: str, subtitle: str, keys: list[tuple[str, str]], notes: str, font: str) -> str:
    """The graph's label (an HTML-like label): a title, a line of what is shown, the colours' key and notes."""
    key = "&nbsp;&nbsp;&nbsp;".join(f'<FONT COLOR="{colour}">━━ {html.escape(word)}</FONT>'
                                    for colour, word in keys)
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">'
            f'<TR><TD ALIGN="LEFT"><FONT FACE="{font}" POINT-SIZE="18"><B>{html.escape(title)}</B></FONT></TD></TR>'
            f'<TR><TD ALIGN="LEFT"><FONT FACE="{font}" POINT-SIZE="11">{html.escape(subtitle)}</FONT></TD></TR>'
            f'<TR><TD ALIGN="LEFT"><FONT FACE="{font}" POINT-SIZE="11">{key}</FONT></TD></TR>'
            f'<TR><TD ALIGN="LEFT"><FONT FACE="{font}" POINT-SIZE="9" COLOR="#555555">{html.escape(notes)}'
            "</FONT></TD></TR>"
            "</TABLE>>")


def _support(when: str | None, basis: str | None, sources: int, hedged: bool) -> str:
    """'2024-06 · 2 sources', with the date's basis when the sentences do not state it."""
    shown = {"stated": when, "reported": f"reported {when}", "not-before": f"reported ≥ {when}"}.get(basis, "undated")
    return f"{shown} · {plural(sources, 'source')}" + (" · hedged" if hedged else "")


def network_graph(network: Network) -> graphviz.Digraph:
    """The network as a graphviz graph: states as ellipses, organizations as boxes, one line per kind and pair,
    coloured by kind, dashed when hedged, thicker with more sources, its label (earliest date and number of
    sources) a node in its middle."""
    if not network.relations:
        scope = f" ({', '.join(network.scope)})" if network.scope else ""
        raise UserError(f"graph: nothing to draw: no stance, treaty, deployment or membership in the store{scope}")
    look = style()
    colours, font = look["network"], look["font"]
    neutral = {r.a_id for r in network.neutral()}
    nodes = sorted({n for line in network.lines for n in (line.a_id, line.b_id)} | neutral,
                   key=lambda n: (network.labels[n], n))
    names = {n: f"n{i}" for i, n in enumerate(nodes)}
    counts = Counter(network.kinds[n] for n in nodes)
    shown = [f"{counts['state']} states", plural(counts["organization"], "organization")]
    shown += [f"{counts.total() - counts['state'] - counts['organization']} others"] * (
        counts.total() > counts["state"] + counts["organization"])
    subtitle = (f"{', '.join(shown)}; {plural(len(network.lines), 'relation')}, "
                f"from {plural(network.articles, 'article')}")
    keys = [(colours[k]["colour"], colours[k]["legend"]) for k in colours
            if any(line.kind == k for line in network.lines) or (k == "neutral" and neutral)]
    notes = ("arrow: from who holds the stance, sends troops or joins · dashed: every sentence hedged · thicker: "
             "more sources · label: earliest date · sources · grey: neutral toward no one named")
    g = graphviz.Digraph("network", engine="neato")
    g.attr(label=_legend("Stance network" + (f" ({', '.join(network.scope)})" if network.scope else ""),
                         subtitle, keys, notes, font),
           labelloc="t", labeljust="l", fontname=font, overlap="prism", overlap_scaling="-4", sep="+10",
           splines="false", outputorder="edgesfirst", pad="0.3", bgcolor="white")
    g.attr("node", fontname=font, fontsize="12", style="filled", fillcolor="white", penwidth="1.2")
    g.attr("edge", arrowsize="0.7")
    for n in nodes:
        box = network.kinds[n] == "organization"
        g.node(names[n], network.labels[n] + ("\n(neutral)" if n in neutral else ""), shape="box" if box else "ellipse",
               style="filled,rounded" if box else "filled", fillcolor="#e0e0e0" if n in neutral else "white",
               tooltip=network.labels[n])
    for i, line in enumerate(network.lines):
        colour, dash = colours[line.kind]["colour"], "dashed" if line.hedged else "solid"
        width = str(1 + min(line.sources, 6) * 0.5)
        tip = _evidence_tip(line.evidence)
        g.node(f"l{i}", _support(line.date, line.date_basis, line.sources, line.hedged), shape="box", fontsize="9",
               fontcolor=colour, color=colour, style=f"filled,rounded,{dash}", penwidth="0.6", margin="0.04,0.02",
               width="0", height="0", tooltip=tip)
        arrows = line.kind not in UNDIRECTED
        g.edge(names[line.a_id], f"l{i}", color=colour, style=dash, penwidth=width, tooltip=tip,
               dir="back" if arrows and line.backward else "none")
        g.edge(f"l{i}", names[line.b_id], color=colour, style=dash, penwidth=width, tooltip=tip,
               dir="forward" if arrows and line.forward else "none")
    return g


def _evidence_tip(evidence: list[dict]) -> str:
    """The first sentences behind a line or an event, shown when the pointer rests on it in an SVG viewer."""
    more = f"\n… and {len(evidence) - 5} more" if len(evidence) > 5 else ""
    return "\n".join(f"{e['source']}:{e['start']}-{e['end']} “{e['quote']}”" for e in evidence[:5]) + more


def _event_label(event: Event, colour: str, font: str) -> str:
    arrow = "–" if event.kind in SYMMETRIC_TYPES else "→"
    kind = html.escape(event.kind.replace("_", " "))
    return (f'<<FONT FACE="{font}" POINT-SIZE="10"><FONT COLOR="{colour}"><B>{kind}</B></FONT><BR/>'
            f'{html.escape(event.subject)} {arrow} {html.escape(event.object)}<BR/>'
            f'<FONT POINT-SIZE="9">{html.escape(_support(event.date, event.date_basis, event.sources, event.hedged))}'
            f'</FONT></FONT>>')


def _sizes(graph: graphviz.Digraph) -> dict[str, tuple[float, float]]:
    """Each node's width and height in points as graphviz will draw it (its 'plain' output, in inches)."""
    plain = _pipe(graph, "plain").decode("utf-8")
    return {p[1]: (float(p[4]) * 72, float(p[5]) * 72) for p in (line.split() for line in plain.splitlines())
            if p and p[0] == "node"}


def _day(value: str) -> date:
    return parse_date(value).earliest


def _ticks(first: date, last: date, points_per_day: float) -> list[tuple[date, str]]:
    """Month starts from ``first`` to ``last``, every 1, 2, 3 or 6 months or 1, 2, 5 or 10 years, the first of
    these steps that leaves 60 points between two ticks; labelled YYYY-MM, or YYYY when the step is years (with no
    month start in between, ``first`` itself)."""
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60, 120) if s * 30.4 * points_per_day >= 60), 120)
    months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
    days = [date(m // 12, m % 12 + 1, 1) for m in months if m % step == 0]
    return [(d, d.isoformat()[:4 if step >= 12 else 7]) for d in days if first <= d <= last] or [(first, str(first))]


def timeline_graph(timeline: Timeline) -> graphviz.Digraph:
    """The events on a time axis, placed here and drawn by graphviz as placed (neato -n2). A box is coloured by
    kind, dashed when every sentence is hedged; its line to the axis is dotted when the date is the report's rather
    than one the sentences state."""
    if not timeline.events:
        raise UserError(f"timeline: nothing to draw: the store reports no event between {timeline.a} and {timeline.b}")
    look = style()
    font = look["font"]
    groups = {t: group for group in look["timeline"].values() for t in group["types"]}
    g = graphviz.Digraph("timeline", engine="neato")
    g.attr("node", fontname=font, shape="box", style="filled,rounded", fillcolor="white", margin="0.08,0.04")
    for i, event in enumerate(timeline.events):
        colour = groups.get(event.kind, {"colour": "#000000"})["colour"]
        g.node(f"e{i}", _event_label(event, colour, font), color=colour,
               style="filled,rounded,dashed" if event.hedged else "filled,rounded",
               tooltip=_evidence_tip(event.evidence))
    axis = _Axis(timeline.events, _sizes(g))
    points = {}
    for i, (x, y) in axis.place(timeline.events).items():
        g.node(f"e{i}", pos=f"{x:.1f},{y:.1f}!")
        point = points.setdefault(round(x, 1), f"p{len(points)}")
        g.edge(f"e{i}", point, arrowhead="none", color="#777777",
               style="solid" if timeline.events[i].date_basis == "stated" else "dotted")
    for x, name in points.items():
        g.node(name, "", shape="point", width="0.08", color="#333333", pos=f"{x:.1f},0!")
    axis.draw(g, any(e.date is None for e in timeline.events))
    kinds = [group for group in look["timeline"].values() if any(e.kind in group["types"] for e in timeline.events)]
    notes = (f"above the axis: {timeline.a} or its leaders act (or both, for treaties and meetings) · below: "
             f"{timeline.b} · dashed box: every sentence hedged · dotted line: dated by the report, not the sentence")
    span = f"{axis.first.isoformat()[:7]} to {axis.last.isoformat()[:7]}" if axis.dated else "undated"
    subtitle = f"{plural(len(timeline.events), 'event')}, {span}, from {plural(timeline.articles, 'article')}"
    g.attr(label=_legend(f"{timeline.a} and {timeline.b}: timeline", subtitle,
                         [(k["colour"], k["legend"]) for k in kinds], notes, font),
           labelloc="t", labeljust="l", fontname=font, splines="false", outputorder="edgesfirst", pad="0.3",
           bgcolor="white")
    return g


class _Axis:
    """A time axis as long as the boxes need (600 to 2,400 points), linear in days from the first date to the last,
    with a place for undated events beyond its end."""

    def __init__(self, events: list[Event], sizes: dict[str, tuple[float, float]]):
        self.sizes = sizes
        self.dated = sorted({_day(e.date) for e in events if e.date})
        self.first, self.last = (self.dated[0], self.dated[-1]) if self.dated else (date.today(), date.today())
        self.width = max(600.0, min(2400.0, sum(w for w, _ in sizes.values()) / 2))
        self.scale = self.width / max((self.last - self.first).days, 1)  # points per day
        self.undated_x = self.width + 160
        self.row = max(h for _, h in sizes.values()) + 14

    def x(self, value: str | None) -> float:
        """Where a date ('2024', '2024-06', '2024-06-19') stands: its first day; an undated event beyond the end."""
        return self.at(_day(value)) if value else self.undated_x

    def at(self, day: date) -> float:
        return (day - self.first).days * self.scale

    def place(self, events: list[Event]) -> dict[int, tuple[float, float]]:
        """Each event's centre: at its date, A's side above the axis and B's below, in the row nearest the axis
        where it keeps 12 points from the box before it."""
        ends: dict[tuple[bool, int], float] = {}  # (above, row) -> right end of the last box placed there
        placed = {}
        for i in sorted(range(len(events)), key=lambda i: (events[i].date is None, self.x(events[i].date))):
            x, width = self.x(events[i].date), self.sizes[f"e{i}"][0]
            row = next(k for k in range(len(events) + 1)
                       if ends.get((events[i].by_a, k), float("-inf")) + 12 <= x - width / 2)
            ends[events[i].by_a, row] = x + width / 2
            placed[i] = (x, (row + 1) * self.row * (1 if events[i].by_a else -1))
        return placed

    def draw(self, g: graphviz.Digraph, undated: bool):
        """The axis line with an arrow, ticks and their dates, and the 'undated' mark if any event is."""
        g.node("axis_start", "", shape="point", width="0", style="invis", pos="-60,0!")
        g.node("axis_end", "", shape="point", width="0", style="invis", pos=f"{self.width + 60:.1f},0!")
        g.edge("axis_start", "axis_end", color="#333333", penwidth="1.5", arrowsize="0.8")
        marks = [(self.at(day), text) for day, text in _ticks(self.first, self.last, self.scale)]
        for i, (x, text) in enumerate(marks):
            for end, y in (("a", 4), ("b", -4)):
                g.node(f"t{i}{end}", "", shape="point", width="0", style="invis", pos=f"{x:.1f},{y}!")
            g.edge(f"t{i}a", f"t{i}b", arrowhead="none", color="#333333")
        for i, (x, text) in enumerate(marks + ([(self.undated_x, "undated")] if undated else [])):
            g.node(f"t{i}", text, shape="plaintext", style="", fontsize="10", fontcolor="#333333",
                   pos=f"{x:.1f},-14!", width="0", height="0", margin="0")
