"""Fixtures for tests/ingest live in ingest_support.py (importable by a unique name)."""

from ingest_support import *  # noqa: F401,F403
