"""README's promises: the test command CI runs is the one a newcomer reads."""
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line)
    assert command in readme


def test_reference_data_is_reachable_from_data():
    assert (ROOT / "data" / "reference" / "states.csv").is_file()
