"""Generate a synthetic landing area: one export per survey year, invitations, profile name.

Usage::

    python -m sample.generator --out sample/landing --seed 2018
    python -m sample.generator --out /tmp/big --years 2018 2019 2020 2021 \\
        --organisations 200 --respondents-mean 60

A fixed seed gives byte-identical files. The default (no ``--organisations``) is the
reference county: the 13 municipalities of Jönköpings län and the region, 2018–2020.

Per year ``<out>/<year>/`` receives (docs/data-contracts.md §2):

* the export in that year's format: 2018 ``dimios_export_2018.csv`` (profile
  ``dimios_2018_csv``), 2019 ``dimios_export_2019.xlsx`` (``dimios_2019_xlsx``), 2020 and
  later ``dimios_export_<year>.csv`` (``dimios_2020_csv``);
* ``invitations.csv`` (in 2019 Gnosjö invited by shared link, and Mullsjö's response rate
  is about 22 %, under the council's failing threshold);
* ``profile.txt`` with the profile name.

With ``--organisations N`` the invented organisations are also listed in
``<out>/synthetic_organisations.csv`` (shape of the ``organisations.csv`` seed), which must
be appended to the register before those exports can be loaded.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import formats
from .model import (
    Respondent,
    build_profiles,
    draw_invitations,
    draw_respondents,
    instrument_version,
    item_offsets,
    synthetic_organisations,
)
from .reference import (
    SEEDS_DIR,
    Organisation,
    load_aliases,
    load_categories,
    load_items,
    load_organisations,
)

DEFAULT_YEARS: tuple[int, ...] = (2018, 2019, 2020)
DEFAULT_SEED = 2018

#: Organisations that invited by shared link (invited unknown), per year.
LINK_INVITATIONS: dict[int, frozenset[str]] = {2019: frozenset({"0617"})}  # Gnosjö

#: Organisations whose e-mail invitations reach far more people than answer, per year:
#: ``{year: {organisation_code: response rate}}``. In 2019 Mullsjö's rate is about 22 %,
#: under the council's failing threshold (30 %, the dbt var quality_thresholds), so
#: its indices are withheld that year and the quality report says why; it keeps its 15–30
#: respondents (well above the minimum of 5).
LOW_RESPONSE_RATES: dict[int, dict[str, float]] = {2019: {"0642": 0.22}}  # Mullsjö

_TAG_FORMAT = 7  # random stream for label variants in the XLSX export


@dataclass(frozen=True)
class ExportFormat:
    """How one year's export is written: the profile name and the file name."""

    profile: str
    filename: str


def export_format(year: int) -> ExportFormat:
    """Return the export format of ``year``: 2018 cp1252 CSV, 2019 XLSX, 2020 onwards
    UTF-8-BOM CSV. Raises ValueError before 2018."""
    instrument_version(year)  # validates the year
    if year == 2018:
        return ExportFormat("dimios_2018_csv", "dimios_export_2018.csv")
    if year == 2019:
        return ExportFormat("dimios_2019_xlsx", "dimios_export_2019.xlsx")
    return ExportFormat("dimios_2020_csv", f"dimios_export_{year}.csv")


def assign_running_ids(respondents: list[Respondent], year: int) -> list[Respondent]:
    """Sort the year's respondents by submission time (ties: organisation code, then draw
    order) and give them the tool's running id ``<year>-000001``, … in that order."""
    order = sorted(
        range(len(respondents)),
        key=lambda k: (respondents[k].submitted_at, respondents[k].organisation_code, k),
    )
    ordered = [respondents[k] for k in order]
    for n, r in enumerate(ordered, start=1):
        r.running_id = f"{year}-{n:06d}"
    return ordered


def write_synthetic_register(path: Path, organisations: Sequence[Organisation]) -> None:
    """Write invented organisations in the shape of ``organisations.csv`` (contract §1)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["organisation_code", "organisation_name", "short_name", "organisation_type",
                     "county_code"])  # fmt: skip
    for o in organisations:
        writer.writerow([o.code, o.name, o.short_name, o.organisation_type, o.county_code])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


def generate(
    out: Path,
    seed: int = DEFAULT_SEED,
    years: Sequence[int] = DEFAULT_YEARS,
    n_synthetic: int = 0,
    respondents_mean: float | None = None,
    seeds_dir: Path = SEEDS_DIR,
) -> list[Path]:
    """Generate the landing area under ``out`` and return the written files (sorted).

    ``seed``: fixes every random draw (same seed, same bytes). ``years``: survey years,
    2018 or later. ``n_synthetic``: invented organisations added to the county.
    ``respondents_mean``: target mean respondents per organisation and year (default: the
    reference sizes in ``model.REFERENCE_RESPONDENTS``).
    Raises ValueError for a year before 2018 or invalid counts.
    """
    organisations = load_organisations(seeds_dir)
    synthetic = synthetic_organisations(n_synthetic)
    aliases = load_aliases(seeds_dir)
    categories = load_categories(seeds_dir)
    profiles = build_profiles([*organisations, *synthetic], categories, seed, respondents_mean)
    versions = sorted({instrument_version(y) for y in years})
    all_items = [i for v in versions for i in load_items(v, seeds_dir)]
    offsets = item_offsets(all_items, seed)

    written: list[Path] = []
    out.mkdir(parents=True, exist_ok=True)
    if synthetic:
        register = out / "synthetic_organisations.csv"
        write_synthetic_register(register, synthetic)
        written.append(register)

    for year in sorted(set(years)):
        items = load_items(instrument_version(year), seeds_dir)
        fmt = export_format(year)
        year_dir = out / str(year)
        year_dir.mkdir(parents=True, exist_ok=True)

        respondents: list[Respondent] = []
        invitations = []
        for profile in profiles:
            code = profile.organisation.code
            drawn = draw_respondents(profile, year, items, aliases.get(code, []), seed, offsets)
            respondents.extend(drawn)
            link = code in LINK_INVITATIONS.get(year, frozenset())
            low_rate = LOW_RESPONSE_RATES.get(year, {}).get(code)
            invitations.extend(
                draw_invitations(profile, year, drawn, seed, link=link, rate_override=low_rate)
            )
        respondents = assign_running_ids(respondents, year)

        export = year_dir / fmt.filename
        if fmt.profile == "dimios_2018_csv":
            formats.write_2018_csv(export, respondents, items)
        elif fmt.profile == "dimios_2019_xlsx":
            formats.write_2019_xlsx(
                export,
                respondents,
                items,
                categories,
                np.random.default_rng([seed, _TAG_FORMAT, year]),
                dt.datetime(year, 11, 15, 8, 0, 0),
            )
        else:
            formats.write_2020_csv(export, respondents, items)
        formats.write_invitations(year_dir / "invitations.csv", invitations)
        (year_dir / "profile.txt").write_bytes(f"{fmt.profile}\n".encode())
        written += [export, year_dir / "invitations.csv", year_dir / "profile.txt"]
    return sorted(written)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m sample.generator",
        description="Generate synthetic DiMiOS survey exports for the reference county.",
    )
    parser.add_argument("--out", type=Path, required=True, help="landing directory to write")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    parser.add_argument("--years", type=int, nargs="+", default=list(DEFAULT_YEARS),
                        help="survey years (2018 or later)")  # fmt: skip
    parser.add_argument("--organisations", type=int, default=0,
                        help="synthetic organisations to add beyond the county")  # fmt: skip
    parser.add_argument("--respondents-mean", type=float, default=None,
                        help="mean respondents per organisation and year")  # fmt: skip
    parser.add_argument("--seeds-dir", type=Path, default=SEEDS_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        paths = generate(args.out, args.seed, args.years, args.organisations,
                         args.respondents_mean, args.seeds_dir)  # fmt: skip
    except ValueError as exc:
        parser.error(str(exc))
    for path in paths:
        print(path)

