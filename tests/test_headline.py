"""The answers the foundation issue promises on the four seed articles, through the CLI's JSON contract."""
import json

import pytest


@pytest.fixture(scope="module")
def aligned(seed_store_path):
    from click.testing import CliRunner

    from queries.cli import cli

    result = CliRunner().invoke(cli, ["--store", str(seed_store_path), "ask",
                                      "who aligned with Russia after 2022?", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_aligned_with_russia_after_2022_names_exactly_the_partners(aligned):
    assert aligned["query"] == "aligned-with"
    assert aligned["params"] == {"state": "Russia", "after": "2022"}
    names = {row["entity"] for row in aligned["rows"]}
    assert {"North Korea", "Belarus", "China", "Iran"} <= names
    assert not names & {"Ukraine", "Finland", "Sweden", "South Korea", "United States", "Brazil"}


def test_every_aligned_row_has_the_contract_fields_and_evidence(aligned):
    for row in aligned["rows"]:
        assert {"entity", "entity_id", "date", "evidence"} <= row.keys()
        assert row["entity_id"].startswith("https://w3id.org/alliance-kg/id/state/")
        assert row["evidence"], row["entity"]
        for evidence in row["evidence"]:
            assert {"source", "start", "end", "quote"} <= evidence.keys()


def test_dates_are_shown_and_an_undated_basis_is_kept(aligned):
    rows = {row["entity"]: row for row in aligned["rows"]}
    # the earliest dated support after 2022: the "deepening relationship" shown at the September 2023 summit
    assert rows["North Korea"]["date"] == "2023-09"
    assert rows["Iran"]["date"] is None and rows["Iran"]["date_basis"] is None
    assert rows["Belarus"]["date_basis"] == "reported"


def test_who_opposed_russia(run_cli):
    result = run_cli("ask", "Who opposed Russia?", "--format", "json")
    names = {row["entity"] for row in json.loads(result.stdout)["rows"]}
    assert {"Finland", "Sweden", "South Korea", "Ukraine"} <= names
    assert not names & {"North Korea", "Belarus", "China", "Iran"}


def test_the_comprehensive_strategic_partnership_treaty(run_cli):
    rows = json.loads(run_cli("query", "treaties-of", "--param", "state=North Korea", "--format", "json").stdout)["rows"]
    treaty = next(r for r in rows if r["treaty"] == "Treaty on Comprehensive Strategic Partnership")
    assert treaty["partner"] == "Russia"
    assert treaty["signed"] == "2024-06"
    assert treaty["place"] == "Pyongyang"
    assert "MutualDefence" in treaty["types"]
    assert any("mutual defense clause" in e["quote"] for e in treaty["evidence"])


def test_the_north_korean_deployments(run_cli):
    rows = json.loads(run_cli("query", "deployments", "--param", "from=North Korea", "--format", "json").stdout)["rows"]
    assert {r["receiver"] for r in rows} == {"Russia", None}  # None: the article names no receiver
    by = lambda **want: [r for r in rows if all(r[k] == v for k, v in want.items())]
    far_east = by(quantity="3000", place="Far East")
    assert far_east and far_east[0]["hedged"] and far_east[0]["role"] == "Training"
    kursk = by(place="Kursk front")
    assert kursk and kursk[0]["date"] == "2024-10" and kursk[0]["hedged"]
    reconstruction = by(quantity="6000", role="Reconstruction")
    assert reconstruction and reconstruction[0]["hedged"]
    assert reconstruction[0]["evidence"][0]["quote"].endswith("will dispatch 6,000 troops for reconstruction.")


def test_the_putin_kim_meeting_at_vostochny(run_cli):
    rows = json.loads(run_cli("query", "meetings-of", "--param", "entity=Kim Jong-un", "--format", "json").stdout)["rows"]
    meeting = next(r for r in rows if r["kind"] == "meeting")
    assert meeting["other"] == "Vladimir Putin"
    assert meeting["place"] == "Vostochny cosmodrome" and meeting["when"] == "2023-09"


def test_planned_dispatch_is_marked_planned(run_cli):
    records = [json.loads(line) for line in run_cli("claims", "--type", "deployment", "--format", "jsonl").stdout.splitlines()]
    planned = [r for r in records if r["quantity"] == 6000]
    assert planned and all(r["hedged"] and r["certainty"] == "planned" for r in planned)
