"""A messy article folder, ingested by the real command: each bad file is one line naming it and the cause, the
batch goes on, the summary counts both, the exit status says something failed, and the store holds exactly what
the good files alone give."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest.pipeline import find_articles
from ingest.store import Store
from queries.cli import cli

from conftest import ARTICLES
from test_reader import PAGE_HTML

SEED = (ARTICLES / "002_52543ea0e9029bda.txt").read_text("utf-8")
WESTERN = "Ukraine’s “allies” met in Zürich. Belarus has aligned more closely with Moscow, officials said.\n"


def good_files(folder: Path):
    """Articles that read, in every encoding and form the reader takes."""
    (folder / "sub" / "deeper").mkdir(parents=True)
    (folder / "seed.txt").write_text(SEED, "utf-8")
    (folder / "windows-1252.txt").write_bytes(WESTERN.encode("cp1252"))
    (folder / "utf-16-bom.txt").write_bytes(WESTERN.encode("utf-16"))
    (folder / "utf-16-no-bom.txt").write_bytes(WESTERN.encode("utf-16-le"))
    (folder / "page.html").write_text(PAGE_HTML, "utf-8")
    (folder / "sub" / "saved-page.txt").write_text(PAGE_HTML, "utf-8")
    (folder / "sub" / "deeper" / "SHOUTING.TXT").write_text("Chad has sent 1,500 troops to Mali.\n", "utf-8")


GOOD = 7
BAD = {  # provenance path: the start of its one error line
    "empty.txt": "empty file",
    "binary.txt": "binary file (NUL bytes), not a text article",
    "mixed.txt": "not UTF-8, UTF-16 or Windows-1252/Latin-1 text (byte 0x81 at 7 fits none)",
    "furniture.html": "a web page with no article text",
    "huge.txt": "60,000 bytes, over the size limit of 50,000 (--max-size)",
    "locked.txt": "cannot read (Permission denied)",
    "closed": "cannot list the folder (Permission denied)",
    "self.txt": "cannot read (a symbolic link loop)",
    "dangling.txt": "cannot read (a symbolic link to gone.txt, which does not exist)",
    "pipe.txt": "not a regular file (a pipe, socket or device)",
}


def bad_files(folder: Path):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    (folder / "mixed.txt").write_bytes(b"Russia \x81 and \x9d China signed a treaty.\n")
    (folder / "furniture.html").write_text("<html><body><nav>Home</nav><script>go()</script></body></html>")
    (folder / "huge.txt").write_bytes(b"Chile and Peru signed a treaty. " * 1875)
    (folder / "huge.txt").chmod(0)  # refused for its size, so not read: unreadable or not, the reason is the same
    (folder / "locked.txt").write_text(SEED, "utf-8")
    (folder / "locked.txt").chmod(0)
    (folder / "closed").mkdir()
    (folder / "closed" / "inside.txt").write_text(SEED, "utf-8")
    (folder / "closed").chmod(0)
    (folder / "self.txt").symlink_to("self.txt")
    (folder / "dangling.txt").symlink_to("gone.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would wait for a writer for ever
    # neither articles nor failures: hidden files and folders, other kinds of file, a link back up the tree
    (folder / ".hidden.txt").write_text(SEED, "utf-8")
    (folder / ".drafts").mkdir()
    (folder / ".drafts" / "draft.txt").write_text(SEED, "utf-8")
    (folder / "notes.md").write_text("# notes\n")
    (folder / "sub" / "loop").symlink_to("..", target_is_directory=True)


def unprivileged(command: list[str]) -> list[str]:
    """The command as a user whom file permissions bind: root reads files whatever their mode, so as root it
    runs without the capabilities that let it (``setpriv``, util-linux)."""
    if os.geteuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def summary(stdout: str) -> dict:
    return {k: v for k, v in json.loads(stdout).items() if k in ("added", "replaced", "unchanged", "failed", "claims")}


def dump(store: Path) -> set:
    return set(Store(store, read_only=True).quads())


def test_a_messy_folder_gives_one_line_per_bad_file_and_stores_exactly_the_good_ones(tmp_path):
    messy, clean = tmp_path / "messy", tmp_path / "clean"
    messy.mkdir()
    clean.mkdir()
    good_files(messy)
    good_files(clean)
    bad_files(messy)
    try:
        command = [shutil.which("alliance-kg"), "--store", str(tmp_path / "store"), "ingest", str(messy),
                   "--max-size", "50kB", "--jobs", "2", "--format", "json"]
        result = subprocess.run(unprivileged(command), capture_output=True, text=True, timeout=120)
    finally:
        for path in (messy / "closed", messy / "locked.txt", messy / "huge.txt"):
            path.chmod(0o755)  # so that the test folder can be removed
    reference = CliRunner().invoke(cli, ["--store", str(tmp_path / "reference"), "ingest", str(clean),
                                         "--format", "json"])
    assert reference.exit_code == 0, reference.output
    assert json.loads(reference.stdout)["added"] == GOOD
    assert result.returncode == 1, result.stderr
    assert summary(result.stdout) == {**summary(reference.stdout), "failed": len(BAD)}
    lines = result.stderr.splitlines()
    assert len(lines) == len(BAD), lines
    for rel, reason in BAD.items():
        assert any(line.startswith(f"error: {rel}: {reason}") for line in lines), (rel, lines)
    assert dump(tmp_path / "store") == dump(tmp_path / "reference")  # nothing of a failed file, nothing twice


def test_a_file_over_the_size_limit_is_named_and_the_limit_can_be_raised(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.txt").write_bytes(b"The weather was mild that week. " * 8125)  # 260 kB
    (folder / "sparse.txt").touch()
    os.truncate(folder / "sparse.txt", 10_000_001)  # one byte over the default, taking no disk space
    ingest = lambda *args: CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", str(folder), *args])
    small = ingest("--max-size", "200kB")
    assert small.exit_code == 1
    assert "error: long.txt: 260,000 bytes, over the size limit of 200,000 (--max-size)" in small.stderr
    assert "error: sparse.txt: 10,000,001 bytes, over the size limit of 10,000,000 (--max-size)" not in small.stderr
    default = ingest()
    assert default.exit_code == 1 and default.stdout.startswith("1 added")
    assert "error: sparse.txt: 10,000,001 bytes, over the size limit of 10,000,000 (--max-size)" in default.stderr
    bad = ingest("--max-size", "ten megabytes")
    assert bad.exit_code == 2 and "Invalid value for '--max-size': 'ten megabytes' is not a size" in bad.stderr


def test_thousands_of_files_with_hidden_ones_and_link_loops_are_each_ingested_once(tmp_path):
    root = tmp_path / "in"
    for n in range(2000):
        folder = root / f"{n // 100:02d}"
        if not folder.exists():
            folder.mkdir(parents=True)
            (folder / "up").symlink_to("..", target_is_directory=True)  # a loop back to the top
            (folder / ".hidden.txt").write_text("Chile and Peru signed a treaty in May 2024.\n")
        (folder / f"{n:04d}.txt").write_text(f"Chile and Peru signed treaty number {n} in May 2024.\n")
    found = find_articles([root])
    assert len(found) == 2000 and len({file for file, _ in found}) == 2000
    assert found == sorted(found) and not any(".hidden" in str(file) or "/up/" in str(file) for file, _ in found)
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", str(root), "--jobs", "2",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert summary(result.stdout) == {"added": 2000, "replaced": 0, "unchanged": 0, "failed": 0, "claims": 2000}


def test_two_files_that_would_share_a_provenance_path_are_refused_before_anything_is_written(tmp_path):
    """A document is known by its path relative to the folder given: a/x.txt and b/x.txt in one run would be
    one document with two fingerprints."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(f"Chile and Peru signed a treaty in {folder}.\n")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", str(tmp_path / "a"),
                                      str(tmp_path / "b")])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"{tmp_path / 'b' / 'x.txt'}: {tmp_path / 'a' / 'x.txt'} would be recorded under the same path, 'x.txt'" \
        in result.stderr
    assert not (tmp_path / "store").exists()
    same_file_twice = CliRunner().invoke(cli, ["--store", str(tmp_path / "store"), "ingest", str(tmp_path / "a"),
                                               str(tmp_path / "a" / "x.txt"), "--format", "json"])
    assert json.loads(same_file_twice.stdout)["added"] == 1
