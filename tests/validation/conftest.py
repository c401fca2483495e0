"""Fixtures for tests/validation live in validation_support.py (importable by a unique name)."""

from validation_support import *  # noqa: F401,F403
