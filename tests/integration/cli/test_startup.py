"""Commands start without loading what they do not use: only `lantern serve` loads the web application."""

import subprocess
import sys

WEB = ("fastapi", "starlette", "jinja2", "uvicorn", "lantern.web.app")


def test_the_command_line_starts_without_the_web_application() -> None:
    code = f"import sys, lantern.cli.main; print(sorted(m for m in {WEB!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
