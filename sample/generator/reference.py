"""Read the reference data the generator shares with the pipeline (the dbt seeds).

The seeds under ``dbt_project/seeds/`` are the single source of truth for organisations,
their aliases, the instrument codebook and the target groups (docs/data-contracts.md §1).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

#: Default location of the seeds: ``<repo>/dbt_project/seeds``.
SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"


@dataclass(frozen=True)
class Organisation:
    """One organisation of the register (contract §1, ``organisations.csv``)."""

    code: str
    name: str
    short_name: str
    organisation_type: str  # "kommun" or "region"
    county_code: str


@dataclass(frozen=True)
class Item:
    """One instrument item in one instrument version (contract §1, ``instrument_items.csv``)."""

    instrument_version: str
    item_code: str
    factor_code: str
    category_code: str
    dimension_code: str
    text_sv: str
    reverse_coded: bool
    scale_min: int
    scale_max: int
    sort_order: int


@dataclass(frozen=True)
class Category:
    """One category of the model (contract §1, ``model_categories.csv``)."""

    category_code: str
    dimension_code: str
    name_sv: str
    sort_order: int


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _parse_bool(value: str) -> bool:
    if value == "true":
        return True
    if value == "false":
        return False
    raise ValueError(f"expected 'true' or 'false', got {value!r}")


def load_organisations(seeds_dir: Path = SEEDS_DIR) -> list[Organisation]:
    """Return the register rows in file order.

    Raises FileNotFoundError when ``organisations.csv`` is missing.
    """
    return [
        Organisation(
            code=r["organisation_code"],
            name=r["organisation_name"],
            short_name=r["short_name"],
            organisation_type=r["organisation_type"],
            county_code=r["county_code"],
        )
        for r in _read(seeds_dir / "organisations.csv")
    ]


def load_aliases(seeds_dir: Path = SEEDS_DIR) -> dict[str, list[str]]:
    """Return ``{organisation_code: [alias, ...]}`` from ``organisation_aliases.csv``.

    Aliases keep file order so that draws from them are deterministic.
    """
    aliases: dict[str, list[str]] = {}
    for r in _read(seeds_dir / "organisation_aliases.csv"):
        aliases.setdefault(r["organisation_code"], []).append(r["alias"])
    return aliases


def load_items(version: str, seeds_dir: Path = SEEDS_DIR) -> list[Item]:
    """Return the items of one instrument version in questionnaire order (``sort_order``).

    Raises ValueError when the version has no items or a boolean cell is malformed.
    """
    items = [
        Item(
            instrument_version=r["instrument_version"],
            item_code=r["item_code"],
            factor_code=r["factor_code"],
            category_code=r["category_code"],
            dimension_code=r["dimension_code"],
            text_sv=r["item_text_sv"],
            reverse_coded=_parse_bool(r["reverse_coded"]),
            scale_min=int(r["scale_min"]),
            scale_max=int(r["scale_max"]),
            sort_order=int(r["sort_order"]),
        )
        for r in _read(seeds_dir / "instrument_items.csv")
        if r["instrument_version"] == version
    ]
    if not items:
        raise ValueError(f"instrument version {version!r} has no items in the codebook")
    return sorted(items, key=lambda item: item.sort_order)


def load_categories(seeds_dir: Path = SEEDS_DIR) -> list[Category]:
    """Return the six categories in ``sort_order``."""
    rows = [
        Category(
            r["category_code"], r["dimension_code"], r["category_name_sv"], int(r["sort_order"])
        )
        for r in _read(seeds_dir / "model_categories.csv")
    ]
    return sorted(rows, key=lambda c: c.sort_order)


def load_target_groups(seeds_dir: Path = SEEDS_DIR) -> list[str]:
    """Return the target group codes in file order (contract §1, five groups)."""
    return [r["target_group"] for r in _read(seeds_dir / "target_groups.csv")]
