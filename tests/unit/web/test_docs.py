from pathlib import Path

from lantern.accounts.model import role_matrix_markdown

ROOT = Path(__file__).resolve().parents[3]


def test_docs_web_prints_the_role_matrix_of_the_code() -> None:
    assert role_matrix_markdown() in (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
