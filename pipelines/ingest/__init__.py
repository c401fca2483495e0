"""Ingest stage: survey exports read through export profiles into the raw tables of
docs/data-contracts.md §3. Pure Python; the Dagster asset lives in ``assets.py``."""

from .dry_run import DryRunReport, dry_run
from .errors import (
    ExportFormatError,
    IngestError,
    MappingError,
    ProfileError,
    PseudonymKeyError,
)
from .ingest import IngestResult, ingest_year, write_tables
from .profiles import (
    PROFILES_DIR,
    SEEDS_DIR,
    ExportProfile,
    list_profiles,
    load_profile,
    resolve_profile,
)
from .pseudonymise import load_secret
from .quarantine import quarantine
from .schemas import SCHEMAS

__all__ = [
    "PROFILES_DIR",
    "SCHEMAS",
    "SEEDS_DIR",
    "DryRunReport",
    "ExportFormatError",
    "ExportProfile",
    "IngestError",
    "IngestResult",
    "MappingError",
    "ProfileError",
    "PseudonymKeyError",
    "dry_run",
    "ingest_year",
    "list_profiles",
    "load_profile",
    "load_secret",
    "quarantine",
    "resolve_profile",
    "write_tables",
]
