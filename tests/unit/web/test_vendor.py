"""Vendored front-end files are what the README says they are: listed, licensed and unchanged."""

import hashlib
import re

from lantern.web.templating import STATIC

VENDOR = STATIC / "vendor"
README = (VENDOR / "README.md").read_text(encoding="utf-8")


def test_every_vendored_package_is_listed_with_its_licence() -> None:
    folders = {p.name for p in VENDOR.iterdir() if p.is_dir()}
    listed = set(re.findall(r"^\| `([^`/]+)` \|", README, re.MULTILINE))
    assert folders == listed
    for folder in folders:
        assert (VENDOR / folder / "LICENSE").is_file(), folder


def test_every_vendored_file_matches_its_recorded_digest() -> None:
    recorded = re.findall(r"^\| `([^`]+/[^`]+)`[^|]*\| `([0-9a-f]{64})` \|", README, re.MULTILINE)
    assert len(recorded) >= 4
    for path, digest in recorded:
        assert hashlib.sha256((VENDOR / path).read_bytes()).hexdigest() == digest, path


def test_templates_load_only_vendored_or_own_assets() -> None:
    from lantern.web.templating import TEMPLATES

    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="(https?:[^"]+)"', text):
            raise AssertionError(f"{template.name} loads {url} from another site")
        assert "<script>" not in text, f"{template.name} has an inline script"
