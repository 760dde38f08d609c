"""The pictures: the stance network and the timeline, drawn by the real graphviz from real stores.

What a picture shows is checked against the canned queries it stands for; how it is drawn is checked in the SVG
(parsed as XML: nodes, colours, label boxes that do not overlap) and the PNG (its size, its colours).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest
from PIL import Image

import servers
from bench.corpus import generate
from ingest.pipeline import ingest
from ingest.remote import Endpoint, RemoteStore
from ingest.store import Store
from queries import draw, picture_data, runner

SVG = "{http://www.w3.org/2000/svg}"
SEED_STATES = {"Russia", "North Korea", "Belarus", "China", "Ukraine", "Finland", "Sweden"}
COLOURS = {kind: look["colour"] for kind, look in draw.style()["network"].items()}


def nodes(svg: Path) -> list[dict]:
    """Each node graphviz drew: its text lines and the bounding box of its shape (ellipse, polygon or path)."""
    found = []
    for group in ET.parse(svg).getroot().iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        points = []
        for shape in group.iter():
            if shape.tag == f"{SVG}ellipse":
                cx, cy, rx, ry = (float(shape.get(a)) for a in ("cx", "cy", "rx", "ry"))
                points += [(cx - rx, cy - ry), (cx + rx, cy + ry)]
            elif shape.tag in (f"{SVG}polygon", f"{SVG}path"):
                numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("points") or shape.get("d"))]
                points += list(zip(numbers[::2], numbers[1::2]))
        texts = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
        box = (min(x for x, _ in points), min(y for _, y in points), max(x for x, _ in points),
               max(y for _, y in points)) if points else None
        found.append({"texts": texts, "box": box})
    return found


def svg_text(svg: Path) -> str:
    return " ".join("".join(t.itertext()) for t in ET.parse(svg).getroot().iter(f"{SVG}text"))


def overlapping(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_seeds_network_as_svg_has_a_node_for_each_state_and_lines_coloured_by_kind(run_cli, tmp_path):
    svg = tmp_path / "network.svg"
    result = run_cli("graph", "-o", svg)
    assert result.exit_code == 0, result.output
    labels = {text for node in nodes(svg) for text in node["texts"]}
    assert SEED_STATES | {"NATO"} <= labels
    text = svg_text(svg)
    assert "Stance network" in text and "from 4 articles" in text
    for word in ("aligned", "opposed", "treaty", "troops sent", "joined"):
        assert f"━━ {word}" in text  # the legend
    drawn = ET.parse(svg).getroot()
    strokes = {p.get("stroke") for p in drawn.iter(f"{SVG}path")}
    assert {COLOURS[k] for k in ("aligned", "opposed", "treaty", "deployment", "membership")} <= strokes
    assert "2024-06 · 2 sources" in text  # the North Korea–Russia treaty, signed June 2024, in two articles


def test_the_seeds_timeline_as_svg_shows_each_event_with_its_date_and_sources(run_cli, seed_store, tmp_path):
    svg = tmp_path / "timeline.svg"
    result = run_cli("timeline", "Russia", "DPRK", "-o", svg)
    assert result.exit_code == 0, result.output
    timeline = picture_data.timeline(seed_store, "Russia", "North Korea")
    events = [node["texts"] for node in nodes(svg) if len(node["texts"]) == 3]
    assert len(events) == len(timeline.events) >= 10
    shown = {(kind, parties, support) for kind, parties, support in events}
    assert ("treaty signed", "Russia – North Korea", "2024-06 · 2 sources") in shown
    assert ("deployment", "North Korea → Russia", "2024-10 · 1 source · hedged") in shown
    assert ("meeting", "Vladimir Putin – Kim Jong Un", "2023-09 · 1 source") in shown
    text = svg_text(svg)
    assert "Russia and North Korea: timeline" in text and "from 4 articles" in text
    dashed = [g for g in ET.parse(svg).getroot().iter(f"{SVG}g") if g.get("class") == "node"
              and "hedged" in "".join(g.itertext()) and any(s.get("stroke-dasharray") for s in g.iter())]
    assert len(dashed) == sum(e.hedged for e in timeline.events) == 1


@pytest.mark.parametrize("command", [["graph"], ["timeline", "Russia", "North Korea"]])
def test_a_png_has_the_size_of_the_drawing_and_its_colours(run_cli, tmp_path, command):
    svg, png = tmp_path / "picture.svg", tmp_path / "picture.png"
    assert run_cli(*command, "-o", svg).exit_code == 0
    assert run_cli(*command, "-o", png).exit_code == 0
    width, height = (float(v) for v in ET.parse(svg).getroot().get("viewBox").split()[2:])
    image = Image.open(png)
    assert image.format == "PNG"
    assert abs(image.width - width * 96 / 72) <= 1 and abs(image.height - height * 96 / 72) <= 1  # 96 dpi
    colours = {rgba[:3] for _, rgba in image.convert("RGBA").getcolors(1 << 24)}
    assert len(colours) > 100  # antialiased text and lines, not a blank page
    green = tuple(int(COLOURS["aligned"][i:i + 2], 16) for i in (1, 3, 5))
    assert green in colours


def test_aligned_and_opposed_relations_are_the_canned_answers(seed_store):
    for after in ("", "2024"):
        network = picture_data.network(seed_store, after=after or None)
        for kind, query in (("aligned", "aligned-with"), ("opposed", "opposed-to")):
            for state in ("https://w3id.org/alliance-kg/id/state/RUS", "https://w3id.org/alliance-kg/id/state/PRK"):
                drawn = {(r.a_id, r.date, r.date_basis, r.hedged, r.sources) for r in network.relations
                         if r.kind == kind and r.b_id == state}
                answer = runner.run(seed_store, query, {"state": state, "after": after})
                assert drawn == {(a["entity_id"], a["date"], a["date_basis"], a["hedged"], a["sources"])
                                 for a in answer.rows}
    assert len([r for r in picture_data.network(seed_store).relations if r.kind == "aligned"]) >= 8


def test_a_line_merges_both_directions_of_a_kind(seed_store):
    network = picture_data.network(seed_store)
    relations = {(r.kind, r.a_id, r.b_id): r for r in network.relations}
    for line in network.lines:
        there, back = relations.get((line.kind, line.a_id, line.b_id)), relations.get((line.kind, line.b_id, line.a_id))
        assert (line.forward, line.backward) == (there is not None, back is not None)
        sources = {e["source"] for r in (there, back) if r for e in r.evidence}
        assert line.sources == len(sources)
        assert line.hedged == all(r.hedged for r in (there, back) if r)
    by_pair = {(line.kind, network.labels[line.a_id], network.labels[line.b_id]): line for line in network.lines}
    both = by_pair["aligned", "North Korea", "Russia"]
    assert both.forward and both.backward and both.sources == 4
    assert (both.date, both.date_basis) == ("2023-09", "stated")
    protest = by_pair["opposed", "South Korea", "Russia"]
    assert protest.forward and not protest.backward


def test_focus_keeps_a_state_its_neighbours_and_the_relations_among_them(seed_store, fifty_states):
    network = picture_data.network(seed_store, focus="SWE")
    assert set(network.labels.values()) == {"Sweden", "Russia", "NATO"}
    assert {(line.kind, network.labels[line.a_id], network.labels[line.b_id]) for line in network.lines} == {
        ("opposed", "Russia", "Sweden"), ("membership", "NATO", "Sweden")}
    with Store(fifty_states, read_only=True) as store:
        whole = picture_data.network(store)
        busiest = max(whole.labels, key=lambda n: sum(n in (line.a_id, line.b_id) for line in whole.lines))
        around = {busiest} | {n for line in whole.lines if busiest in (line.a_id, line.b_id)
                              for n in (line.a_id, line.b_id)}
        expected = [line for line in whole.lines if line.a_id in around and line.b_id in around]
        assert any(busiest not in (line.a_id, line.b_id) for line in expected)  # a relation between two neighbours
        focused = picture_data.network(store, focus=busiest)
    assert focused.lines == expected and set(focused.labels) == around


def test_hedged_sentences_can_be_left_out(seed_store):
    everything = {(r.kind, r.a_id, r.b_id): r for r in picture_data.network(seed_store).relations}
    sure = picture_data.network(seed_store, hedged=False)
    assert "hedged claims left out" in sure.scope
    kept = {(r.kind, r.a_id, r.b_id): r for r in sure.relations}
    assert any(e["hedged"] for r in everything.values() for e in r.evidence)
    assert not any(r.hedged or any(e["hedged"] for e in r.evidence) for r in kept.values())
    for key, relation in everything.items():
        unhedged = [e for e in relation.evidence if not e["hedged"]]
        assert (key in kept) == bool(unhedged)
        if unhedged:
            assert kept[key].evidence == unhedged and kept[key].sources == len({e["source"] for e in unhedged})
    assert len(kept) < len(everything) or any(len(kept[k].evidence) < len(r.evidence) for k, r in everything.items()
                                              if k in kept)


def test_timeline_events_are_the_canned_timeline_split_by_kind(seed_store):
    timeline = picture_data.timeline(seed_store, "Russia", "North Korea")
    answer = runner.run(seed_store, "timeline", {"a": "Russia", "b": "North Korea"})
    sentences = lambda evidence: {(e["source"], e["start"], e["claim"]) for e in evidence}
    assert set().union(*(sentences(e.evidence) for e in timeline.events)) == \
        set().union(*(sentences(a["evidence"]) for a in answer.rows))
    kinds = {e["claim"]: e["claim_type"] for a in answer.rows for e in a["evidence"]}
    for event in timeline.events:
        assert {kinds[e["claim"]] for e in event.evidence} == {event.kind}
        assert event.sources == len({e["source"] for e in event.evidence})
        assert event.hedged == all(e["hedged"] for e in event.evidence)
    treaty = [e for e in timeline.events if e.kind == "treaty_signed"]
    assert len(treaty) == 1 and (treaty[0].subject, treaty[0].object, treaty[0].sources) == ("Russia", "North Korea", 2)
    assert {e.by_a for e in timeline.events if e.subject == "North Korea"} == {False}
    assert {e.by_a for e in timeline.events if e.subject in ("Russia", "Vladimir Putin", "Sergei Shoigu")} == {True}


@pytest.fixture(scope="module")
def fifty_states(tmp_path_factory) -> Path:
    """A store of 15 generated articles, whose relations reach about 60 states and organizations."""
    folder = tmp_path_factory.mktemp("corpus")
    generate(folder / "articles", 15, seed=1)
    report = ingest([folder / "articles"], Store(folder / "store"))
    assert report.ok
    return folder / "store"


def test_a_network_of_fifty_states_is_drawn_without_overlapping_labels(run_cli, fifty_states, tmp_path):
    svg = tmp_path / "network.svg"
    assert run_cli("graph", "-o", svg, store=fifty_states).exit_code == 0
    with Store(fifty_states, read_only=True) as store:
        network = picture_data.network(store)
    assert len(network.labels) >= 50
    drawn = nodes(svg)
    labels = {text for node in drawn for text in node["texts"]}
    assert set(network.labels.values()) <= labels
    assert len(drawn) == len(network.labels) + len(network.lines)  # a node for each line's label
    assert all(node["box"] for node in drawn)
    clashes = [(a["texts"], b["texts"]) for a, b in combinations(drawn, 2) if overlapping(a["box"], b["box"])]
    assert clashes == []
    text = svg_text(svg)
    assert "Stance network" in text and "from 15 articles" in text and "━━ aligned" in text


def test_a_picture_of_a_wrong_kind_an_unknown_state_or_nothing_is_refused_in_a_line(run_cli, tmp_path):
    cases = [(["graph", "-o", tmp_path / "network.jpg"], "-o", "unknown picture format '.jpg'"),
             (["graph", "-o", tmp_path / "n.svg", "--focus", "Atlantis"], "--focus 'Atlantis'", "no state"),
             (["graph", "-o", tmp_path / "n.svg", "--after", "soon"], "--after", "not a date"),
             (["graph", "-o", tmp_path / "n.svg", "--focus", "Chile"], "graph", "nothing to draw"),
             (["timeline", "Russia", "Atlantis", "-o", tmp_path / "t.svg"], "B 'Atlantis'", "no state"),
             (["timeline", "Chile", "Peru", "-o", tmp_path / "t.png"], "timeline", "nothing to draw")]
    for args, names, reason in cases:
        result = run_cli(*args)
        assert result.exit_code == 1, args
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert names in result.stderr and reason in result.stderr
    assert not list(tmp_path.iterdir())


def test_without_graphviz_the_error_says_what_to_install(seed_store_path, tmp_path):
    from click.testing import CliRunner
    from queries.cli import cli

    result = CliRunner().invoke(cli, ["--store", str(seed_store_path), "graph", "-o", str(tmp_path / "n.svg")],
                                env={"PATH": str(tmp_path)})
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: graphviz: the 'neato' program is not installed (apt-get install graphviz)"


def test_a_picture_goes_where_asked_folders_made(run_cli, tmp_path):
    target = tmp_path / "new" / "folder" / "network.PNG"
    result = run_cli("graph", "-o", target, "--focus", "Belarus")
    assert result.exit_code == 0 and target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert result.stdout.strip() == f"{target}: 2 states and organizations, 1 relation, from 1 article"


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_remote_store_gives_the_same_pictures(engine, tmp_path, run_cli, seed_store_path, seed_store):
    server = getattr(servers, engine)(tmp_path / engine)
    try:
        assert run_cli("load", *server.options()).exit_code == 0
        remote = RemoteStore(Endpoint(server.query, server.update, server.graph_store))
        assert picture_data.network(remote) == picture_data.network(seed_store)
        assert picture_data.network(remote, after="2024-06", focus="PRK", hedged=False) == \
            picture_data.network(seed_store, after="2024-06", focus="PRK", hedged=False)
        assert picture_data.timeline(remote, "RUS", "PRK") == picture_data.timeline(seed_store, "RUS", "PRK")
        result = run_cli(*server.options(), "timeline", "Russia", "North Korea", "-o", tmp_path / "timeline.svg")
        assert result.exit_code == 0 and "16 events" in result.stdout
    finally:
        server.stop()
