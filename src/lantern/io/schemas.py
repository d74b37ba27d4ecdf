"""JSON Schemas of the record formats, generated from the record models into docs/schemas/.

Regenerate after changing a record model: `python -m lantern.io.schemas docs/schemas`. A test fails when the
committed schemas and the models disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from lantern.io.records import RECORD_TYPES

BASE_URL = "https://lantern.example.org/schemas"


def schema_documents() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, one per record type."""
    documents = {}
    for kind, record_type in RECORD_TYPES.items():
        schema = record_type.model_json_schema(mode="validation")
        name = f"{kind.value}.schema.json"
        documents[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{BASE_URL}/{name}",
            **schema,
        }
    return documents


def render(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in schema_documents().items():
        path = directory / name
        path.write_bytes(render(document))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schemas")):
        print(path)
