"""Background jobs on huey.

Why huey: it is a small, maintained task queue whose storage is pluggable. Its SQLite storage keeps the
queue in a file beside the default database, so a single machine needs no extra server; its PostgreSQL and
Redis storages let several Lantern instances share one queue. Lantern's own job rows (`review_job`) carry
progress and checkpoints, so a job survives a restart of the worker and resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey

from lantern.errors import LanternError
from lantern.settings import Settings


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    backend = settings.jobs.backend
    if backend == "sqlite":
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteHuey("lantern", filename=str(settings.data_dir / "jobs.db"), immediate=immediate)
    if backend == "postgres":
        url = settings.resolved_database_url
        if not url.startswith("postgresql"):
            raise LanternError("The postgres job backend needs LANTERN_DATABASE_URL to be a PostgreSQL URL.")
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        return PostgresHuey("lantern", dsn=dsn, immediate=immediate)
    if backend == "redis":
        return RedisHuey("lantern", url=settings.jobs.redis_url, immediate=immediate)
    raise LanternError(f"Unknown job backend {backend!r}: sqlite, postgres or redis.")


class JobQueue:
    """The queue and the tasks Lantern registers on it."""

    def __init__(self, settings: Settings, *, immediate: bool = False) -> None:
        self.settings = settings
        self.huey = make_huey(settings, immediate=immediate)
        self._tasks: dict[str, Any] = {}

    def register(self, name: str, fn: Callable[..., Any]) -> None:
        self._tasks[name] = self.huey.task(name=name)(fn)

    def enqueue(self, name: str, *args: Any) -> Any:
        return self._tasks[name](*args)

    def run_worker(self) -> None:
        consumer = self.huey.create_consumer(workers=self.settings.jobs.workers, periodic=False)
        consumer.run()
