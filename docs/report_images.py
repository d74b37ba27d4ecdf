"""Make the images of docs/reports.md from the demo database: each report's first screen as rendered HTML
(the same template as the web page) and one chart of each report, as PNG.

    lantern demo --quiet                     # the demo database (LANTERN_DATA_DIR or the default place)
    .venv/bin/python docs/report_images.py   # writes docs/img/report-*.png

The screenshots use Playwright with Debian's chromium (/usr/bin/chromium, or LANTERN_TEST_CHROMIUM), as the
browser tests do. Every chart comes from `lantern report NAME --chart KEY -o FILE`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

IMG = Path(__file__).parent / "img"
LANTERN = Path(sys.executable).with_name("lantern")
CHROMIUM = os.environ.get("LANTERN_TEST_CHROMIUM", "/usr/bin/chromium")
ON = "2026-11-28"

#: (report, chart shown in the docs, extra parameters)
REPORTS = [
    ("licence-review", "by-year", []),
    ("holdings", "flows-manufacturer", []),
    ("transfers-after-implication", "timeline-mx-semar", []),
    ("check-coverage", "coverage", []),
    ("violations", "cases-by-year", []),
    ("crime-control-502b", "by-year", []),
    ("consultations", "by-year", []),
]


def lantern(*args: str) -> None:
    subprocess.run([str(LANTERN), *args], check=True)


def main() -> None:
    from playwright.sync_api import sync_playwright

    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 1500})
        for name, chart, extra in REPORTS:
            lantern(
                "report",
                name,
                "--on",
                ON,
                "--chart",
                chart,
                "-o",
                str(IMG / f"report-{name}-chart.png"),
                *extra,
            )
            html = Path(tmp) / f"{name}.html"
            lantern("report", name, "--on", ON, "--format", "html", "-o", str(html), *extra)
            page.goto(html.as_uri())
            page.screenshot(path=str(IMG / f"report-{name}-page.png"))
        browser.close()


if __name__ == "__main__":
    main()
