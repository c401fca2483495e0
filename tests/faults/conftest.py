"""Fixtures for tests/faults live in fault_support.py (importable by a unique name)."""

from fault_support import *  # noqa: F401,F403
