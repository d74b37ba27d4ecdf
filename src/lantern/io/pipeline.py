"""Reading a large file in a second process while the first one writes.

Checking a record (pydantic, the record rules, its JSON and hash) costs about as much as storing it. For a
large Lantern JSON Lines or CSV file a reader process (`python -m lantern.io.pipeline`) reads and checks the
file and hands over plain rows (problems, key, JSON text, hash) through a pipe, so both cores work. Small
files and the other formats are read in the writing process itself; the rows are the same either way.

The pipe ties the two together: the reader blocks while the writer is busy, and if the writer dies (even
killed with SIGKILL) the reader's next write fails and it exits. No orphan keeps running.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Generator, Iterator
from itertools import islice
from pathlib import Path
from typing import IO

import orjson

import lantern
from lantern.io.formats import Format, Input, RecordFile
from lantern.io.problems import Row, materialise, prepare
from lantern.io.reading import Progress
from lantern.io.records import RecordKind

_HEADER = struct.Struct("<Q")


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def _write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError
    return data


def serve(spec: dict[str, object], out: IO[bytes]) -> None:
    """The reader's side: read, check and prepare rows; send them chunk by chunk; an empty frame ends."""
    source = RecordFile(
        Path(str(spec["path"])),
        str(spec["name"]),
        Format(str(spec["format"])),
        RecordKind(str(spec["kind"])),
        int(str(spec["max_line_bytes"])),
    )
    read = 0

    def progress(count: int) -> None:
        nonlocal read
        read += count

    for chunk in _chunks(source.rows(source.kind, progress), int(str(spec["chunk_size"]))):
        for row in chunk:
            prepare(row)
            row.record = None  # plain rows cross the pipe cheaply; pydantic records do not
        _write_frame(out, pickle.dumps((chunk, read), protocol=pickle.HIGHEST_PROTOCOL))
        read = 0
    _write_frame(out, b"")


def _reader_chunks(source: RecordFile, chunk_size: int, progress: Progress | None) -> Iterator[list[Row]]:
    spec = {
        "path": str(source.path),
        "name": source.name,
        "format": source.format.value,
        "kind": source.kind.value,
        "max_line_bytes": source.max_line_bytes,
        "chunk_size": chunk_size,
    }
    env = dict(os.environ)
    package_root = str(Path(lantern.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    process = subprocess.Popen(
        [sys.executable, "-m", "lantern.io.pipeline", orjson.dumps(spec).decode()],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdout is not None
    try:
        while True:
            try:
                size = _HEADER.unpack(_read_exactly(process.stdout, _HEADER.size))[0]
                if size == 0:
                    break
                # Unpickling is safe here: the frames come from our own child process.
                rows, read = pickle.loads(_read_exactly(process.stdout, size))
            except EOFError:
                code = process.wait()
                raise RuntimeError(
                    f"the reader process for {source.name} stopped (exit code {code})"
                ) from None
            if progress is not None and read:
                progress(read)
            yield [materialise(row) for row in rows]
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.wait()


def read_chunks(
    source: Input, kind: RecordKind, *, chunk_size: int, parallel: bool, progress: Progress | None
) -> Generator[list[Row], None, None]:
    """Prepared rows of one record type, in chunks, from a reader process when `parallel` allows it."""
    if parallel and isinstance(source, RecordFile) and kind is source.kind:
        yield from _reader_chunks(source, chunk_size, progress)
        return
    for chunk in _chunks(source.rows(kind, progress), chunk_size):
        yield [materialise(prepare(row)) for row in chunk]


def main() -> None:
    try:
        serve(orjson.loads(sys.argv[1]), sys.stdout.buffer)
    except BrokenPipeError:
        # The writing process has gone (finished early, failed, or was killed): nothing left to do.
        os._exit(0)


if __name__ == "__main__":
    main()
