"""The store: engine and sessions, tables, queries per domain, Alembic migrations."""
