"""Every setting and every command is documented: the reference pages match the code."""

import subprocess
import sys
from pathlib import Path

from lantern.settings import settings_reference

ROOT = Path(__file__).resolve().parents[3]


def test_docs_settings_lists_every_setting() -> None:
    page = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert page == settings_reference(), "docs/settings.md is stale: run `make docs`"


def test_every_setting_has_a_description() -> None:
    for line in settings_reference().splitlines():
        if line.startswith("| `"):
            assert not line.rstrip().endswith("|  |"), f"setting without a description: {line}"


def test_docs_cli_lists_every_command(tmp_path: Path) -> None:
    out = tmp_path / "cli.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "lantern.cli.main",
            "utils",
            "docs",
            "--name",
            "lantern",
            "--title",
            "Command reference",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == out.read_text(encoding="utf-8"), "docs/cli.md is stale: run `make docs`"
