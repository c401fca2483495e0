"""Run the committed GX checkpoint on a year's raw tables; results for Dagster asset checks.

GX Core 1.x has no maintained Dagster integration (dagster-ge needs GX < 1 and pandas < 3),
so this module is the integration: it copies the committed GX file context
(``expectations/gx/``, the suites' only declaration) to a work
folder, validates the three raw tables there, builds the Data Docs there, and turns the GX
results into one :class:`CheckOutcome` per named check (:data:`RAW_CHECKS`).
:func:`to_asset_check_results` makes Dagster ``AssetCheckResult`` objects from them.

Why the checkpoint's validation definitions are run one by one: ``Checkpoint.run`` hands the
same ``batch_parameters`` to every validation definition, but each raw table is its own
dataframe (``batch_parameters={"dataframe": df}``). So the runtime loads the committed
checkpoint, runs each of its validation definitions on its own table with the checkpoint's
id, result format and one shared run id (what ``Checkpoint.run`` does internally), and then
builds the Data Docs. The checkpoint stays the committed list of what is validated.

GX analytics is off: ``GX_ANALYTICS_ENABLED=false`` is set before GX is imported and the
committed ``great_expectations.yml`` says ``analytics_enabled: false``.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ["GX_ANALYTICS_ENABLED"] = "false"  # must precede any GX import

from pipelines.settings import EXPECTATIONS_DIR, SEEDS_DIR  # noqa: E402
from pipelines.validation.suites import (  # noqa: E402
    ANSWER_STATUSES,
    GX_DIR_NAME,
    INVITATION_METHODS,
    RAW_CHECKPOINT_NAME,
    RAW_CHECKS,
    RAW_COLUMNS,
)

MAX_EXAMPLES = 20
"""At most this many unexpected values are copied into an outcome's metadata."""


@dataclass
class CheckOutcome:
    """The result of one named check for one year.

    ``severity`` is ``"ERROR"`` (blocks the year) or ``"WARN"``. ``metadata`` holds plain
    JSON-able values: per GX expectation a count of unexpected rows (``<measure>_rows``) and
    up to 20 distinct unexpected values (``<measure>_values``); for set expectations the
    ``missing_<measure>`` / ``unexpected_<measure>`` lists; for row counts
    ``<measure>_expected`` / ``<measure>_observed``; and ``gx_expectations``, the GX
    expectation types behind the check with their success.
    """

    name: str
    passed: bool
    severity: str
    description: str
    metadata: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Reference data and suite parameters


def read_seed(seeds_dir: Path, name: str) -> list[dict[str, str]]:
    """Rows of a dbt seed CSV as dicts of strings (codes keep their leading zeros).

    Raises ``FileNotFoundError`` when the seed is missing (data-contracts §1).
    """
    with (Path(seeds_dir) / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def suite_parameters(
    *,
    year: int,
    instrument_version: str,
    respondent_count: int,
    seeds_dir: Path = SEEDS_DIR,
    expected_organisation_codes: Collection[str] | None = None,
) -> dict[str, Any]:
    """Values for the suites' ``$PARAMETER`` placeholders (see ``suites.SUITE_PARAMETERS``).

    - organisation codes: every ``organisation_code`` of ``organisations.csv`` (data-contracts
      §1) is known; all of them are expected unless ``expected_organisation_codes`` names
      the organisations that took part in the year (each must be in the register);
    - item codes and scale: the rows of ``instrument_items.csv`` whose ``instrument_version``
      is ``instrument_version``; ``scale_min``/``scale_max`` are the lowest ``scale_min`` and
      highest ``scale_max`` among them (all items use 1–5 today; a per-item scale would need
      a per-item check);
    - target groups: every ``target_group`` of ``target_groups.csv``;
    - ``expected_answer_rows`` = ``respondent_count`` × number of items ("one row per
      respondent and item of the year's instrument version", data-contracts §3).

    Raises ``ValueError`` when the codebook has no item for ``instrument_version``, the
    register is empty or an expected organisation is not in the register.
    """
    organisations = sorted(
        {row["organisation_code"] for row in read_seed(seeds_dir, "organisations.csv")}
    )
    if not organisations:
        raise ValueError(f"The organisation register {seeds_dir / 'organisations.csv'} is empty.")
    items = [
        row
        for row in read_seed(seeds_dir, "instrument_items.csv")
        if row["instrument_version"] == instrument_version
    ]
    if not items:
        raise ValueError(
            f"The codebook {seeds_dir / 'instrument_items.csv'} has no items for instrument "
            f"version {instrument_version!r}."
        )
    expected = organisations
    if expected_organisation_codes is not None:
        expected = sorted(set(expected_organisation_codes))
        unknown = sorted(set(expected) - set(organisations))
        if unknown:
            raise ValueError(f"Expected organisations not in the register: {unknown}.")
    item_codes = sorted({row["item_code"] for row in items})
    target_groups = sorted(
        {row["target_group"] for row in read_seed(seeds_dir, "target_groups.csv")}
    )
    return {
        "survey_years": [int(year)],
        "scale_min": min(int(row["scale_min"]) for row in items),
        "scale_max": max(int(row["scale_max"]) for row in items),
        "expected_organisation_codes": expected,
        "known_organisation_codes": organisations,
        "instrument_item_codes": item_codes,
        "instrument_versions": [instrument_version],
        "expected_answer_rows": int(respondent_count) * len(item_codes),
        "known_target_groups": target_groups,
        **{f"{table}_columns": list(columns) for table, columns in RAW_COLUMNS.items()},
        "answer_statuses": list(ANSWER_STATUSES),
        "invitation_methods": list(INVITATION_METHODS),
    }


# --------------------------------------------------------------------------------------
# Running the checkpoint


def gx_context_dir(work_dir: Path) -> Path:
    """The run-time copy of the GX context inside ``work_dir``."""
    return Path(work_dir) / GX_DIR_NAME


def data_docs_dir(work_dir: Path) -> Path:
    """Folder of the Data Docs site built by the last run in ``work_dir`` (holds ``index.html``)."""
    return gx_context_dir(work_dir) / "uncommitted" / "data_docs" / "local_site"


def _to_pandas(table: Any, *, categorical: bool = False):
    """A pandas DataFrame of ``table`` (a ``pyarrow.Table``; a DataFrame is returned as it
    is). With ``categorical`` text columns become pandas categoricals: GX's pandas engine
    filters the whole frame for each metric of an expectation with a ``row_condition``, and
    taking rows of Arrow-backed text columns is slow at national scale (docs/benchmarks.md);
    the outcomes are the same (tests/validation)."""
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table
    to_pandas = getattr(table, "to_pandas", None)
    if to_pandas is None:
        raise TypeError(
            f"Expected a pyarrow.Table or pandas.DataFrame, got {type(table).__name__}."
        )
    return to_pandas(strings_to_categorical=True) if categorical else to_pandas()


def fresh_context(work_dir: Path, expectations_dir: Path = EXPECTATIONS_DIR):
    """Copy the committed GX context to ``work_dir/gx`` (replacing any old copy); open it.

    Returns a GX ``FileDataContext`` rooted in ``work_dir``. Raises ``FileNotFoundError``
    when ``expectations_dir/gx`` does not exist.
    """
    import great_expectations as gx

    source = Path(expectations_dir) / GX_DIR_NAME
    if not (source / "great_expectations.yml").is_file():
        raise FileNotFoundError(
            f"No committed GX context in {source} (expectations/README.md)."
        )
    target = gx_context_dir(work_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return gx.get_context(mode="file", project_root_dir=str(Path(work_dir)))


def run_checkpoint(
    context,
    checkpoint_name: str,
    frames: Mapping[str, Any],
    expectation_parameters: Mapping[str, Any],
    *,
    build_docs: bool = True,
) -> dict[str, Any]:
    """Run every validation definition of a committed checkpoint on its table's dataframe.

    ``frames`` maps the asset name of each validation definition (the table name) to a
    pandas DataFrame. Returns ``{table: ExpectationSuiteValidationResult}``. Validation
    results are stored in the context's (work-folder) store, then (``build_docs``) the Data
    Docs are built.
    Raises ``ValueError`` when a table the checkpoint validates is missing from ``frames``.
    """
    import datetime as dt

    from great_expectations.core.run_identifier import RunIdentifier

    checkpoint = context.checkpoints.get(checkpoint_name)
    run_id = RunIdentifier(run_time=dt.datetime.now(dt.UTC))
    results: dict[str, Any] = {}
    for validation_definition in checkpoint.validation_definitions:
        table = validation_definition.asset.name
        if table not in frames:
            raise ValueError(
                f"Checkpoint {checkpoint_name!r} validates table {table!r}, which was not given."
            )
        results[table] = validation_definition.run(
            checkpoint_id=checkpoint.id,
            batch_parameters={"dataframe": frames[table]},
            expectation_parameters=dict(expectation_parameters),
            result_format=checkpoint.result_format,
            run_id=run_id,
        )
    if build_docs:
        context.build_data_docs()
    return results


def build_data_docs(work_dir: Path) -> Path:
    """Build the Data Docs of the validation results stored in ``work_dir``'s GX context
    (e.g. after :func:`run_raw_checks` with ``build_docs=False``); returns
    :func:`data_docs_dir`."""
    import great_expectations as gx

    gx.get_context(mode="file", project_root_dir=str(Path(work_dir))).build_data_docs()
    return data_docs_dir(work_dir)


# --------------------------------------------------------------------------------------
# GX results → named outcomes


def _plain(value: Any) -> Any:
    """A JSON-able copy of a GX result value (numpy scalars, NaN → None, sets → sorted lists)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, float):  # nullable int columns arrive in pandas as float
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=str)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item):
        return _plain(item())
    return str(value)


def _distinct(values: Iterable[Any], limit: int = MAX_EXAMPLES) -> list:
    seen: list = []
    for value in values:
        value = _plain(value)
        if value not in seen:
            seen.append(value)
        if len(seen) >= limit:
            break
    return seen


def _expectation_measures(evr, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The reviewer-facing numbers of one GX expectation result, keyed by its ``measure``."""
    config = evr.expectation_config
    measure = config.meta["measure"]
    kind = config.type
    result = evr.result or {}
    out: dict[str, Any] = {}
    exception = (evr.exception_info or {}).get("exception_message") if evr.exception_info else None
    if exception is None and isinstance(evr.exception_info, Mapping):
        # results of several metrics come back keyed by metric id
        for info in evr.exception_info.values():
            if isinstance(info, Mapping) and info.get("raised_exception"):
                exception = info.get("exception_message")
                break
    if exception:
        out[f"{measure}_error"] = str(exception)[:500]
        return out
    if kind == "expect_table_columns_to_match_set":
        mismatched = (result.get("details") or {}).get("mismatched") or {}
        out[f"missing_{measure}"] = sorted(mismatched.get("missing") or [])
        out[f"unexpected_{measure}"] = sorted(mismatched.get("unexpected") or [])
    elif kind in (
        "expect_column_distinct_values_to_contain_set",
        "expect_column_distinct_values_to_equal_set",
    ):
        # GX reports the set differences itself, each list capped at 20 values.
        out[f"missing_{measure}_count"] = _plain(result.get("missing_count", 0))
        out[f"missing_{measure}"] = sorted(
            _plain(result.get("partial_missing_list") or []), key=str
        )
        if kind.endswith("equal_set"):
            out[f"unexpected_{measure}_count"] = _plain(result.get("unexpected_count", 0))
            out[f"unexpected_{measure}"] = sorted(
                _plain(result.get("partial_unexpected_list") or []), key=str
            )
    elif kind == "expect_table_row_count_to_equal":
        out[f"{measure}_expected"] = _plain(_resolve(config.kwargs["value"], parameters))
        out[f"{measure}_observed"] = _plain(result.get("observed_value"))
    else:  # column map expectations: counts of unexpected rows and example values
        rows = _plain(result.get("unexpected_count", 0)) or 0
        out[f"{measure}_rows"] = rows
        examples = result.get("partial_unexpected_list") or []
        if kind == "expect_compound_columns_to_be_unique":
            examples = ["|".join(str(v) for v in _plain(e).values()) for e in examples]
        if rows and kind != "expect_column_values_to_not_be_null":  # those are all null
            out[f"{measure}_values"] = _distinct(examples)
    return out


def _resolve(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


def outcomes_from_results(
    results: Mapping[str, Any],
    parameters: Mapping[str, Any],
    checks=RAW_CHECKS,
    severity: str = "ERROR",
) -> list[CheckOutcome]:
    """Group GX expectation results by ``meta["check"]`` into one outcome per named check.

    A check passes when every one of its expectations succeeded. A check with no
    expectation result at all (which would mean the suites and ``checks`` disagree) is
    reported as failed rather than silently passed.
    """
    grouped: dict[str, list[tuple[str, Any]]] = {c.name: [] for c in checks}
    for table, suite_result in results.items():
        for evr in suite_result.results:
            check = (evr.expectation_config.meta or {}).get("check")
            if check in grouped:
                grouped[check].append((table, evr))
    outcomes = []
    for spec in checks:
        evrs = grouped[spec.name]
        metadata: dict[str, Any] = {}
        expectations = []
        for table, evr in evrs:
            metadata.update(_expectation_measures(evr, parameters))
            column = evr.expectation_config.kwargs.get(
                "column"
            ) or evr.expectation_config.kwargs.get("column_list")
            expectations.append(
                f"{table}: {evr.expectation_config.type}"
                + (f"({column})" if column else "")
                + (" ok" if evr.success else " FAILED")
            )
        metadata["gx_expectations"] = expectations
        passed = bool(evrs) and all(evr.success for _, evr in evrs)
        if not evrs:
            metadata["error"] = "no GX expectation is mapped to this check"
        outcomes.append(
            CheckOutcome(
                name=spec.name,
                passed=passed,
                severity=severity,
                description=spec.description,
                metadata=metadata,
            )
        )
    return outcomes


def run_raw_checks(
    tables: Mapping[str, Any],
    *,
    year: int,
    instrument_version: str,
    work_dir: Path,
    seeds_dir: Path = SEEDS_DIR,
    expectations_dir: Path = EXPECTATIONS_DIR,
    expected_organisation_codes: Collection[str] | None = None,
    build_docs: bool = True,
) -> list[CheckOutcome]:
    """Run the committed ``raw_tables`` checkpoint on one year's raw tables.

    ``build_docs=False`` leaves the Data Docs to a later step (:func:`build_data_docs`).

    ``tables`` maps ``survey_answers``, ``respondents`` and ``invitations``
    (docs/data-contracts.md §3) to ``pyarrow.Table`` or ``pandas.DataFrame``. The committed GX
    context is copied fresh to ``work_dir/gx`` and everything GX writes (validation results,
    Data Docs at :func:`data_docs_dir`) goes there; nothing under ``expectations_dir`` is
    written. Returns one :class:`CheckOutcome` per entry of :data:`RAW_CHECKS`, in that order,
    all with severity ``"ERROR"``. ``expected_organisation_codes`` (default: the whole
    register) lists the organisations the year must contain, for a year in which not every
    organisation took part.

    Raises ``ValueError`` when a raw table is missing from ``tables`` or the codebook has no
    items for ``instrument_version``; ``FileNotFoundError`` when the committed context or a
    seed is missing.
    """
    missing = [name for name in RAW_COLUMNS if name not in tables]
    if missing:
        raise ValueError(f"run_raw_checks needs the raw tables {missing} (data-contracts §3).")
    frames = {name: _to_pandas(tables[name], categorical=True) for name in RAW_COLUMNS}
    parameters = suite_parameters(
        year=year,
        instrument_version=instrument_version,
        respondent_count=len(frames["respondents"]),
        seeds_dir=seeds_dir,
        expected_organisation_codes=expected_organisation_codes,
    )
    context = fresh_context(work_dir, expectations_dir)
    results = run_checkpoint(
        context, RAW_CHECKPOINT_NAME, frames, parameters, build_docs=build_docs
    )
    return outcomes_from_results(results, parameters)


def to_asset_check_results(outcomes: Iterable[CheckOutcome], asset_key) -> list:
    """Dagster ``AssetCheckResult`` per outcome: passed, severity, description, metadata.

    ``severity`` ``"ERROR"``/``"WARN"`` becomes ``dagster.AssetCheckSeverity``; lists and
    dicts in metadata are wrapped as JSON metadata values.
    """
    import dagster as dg

    results = []
    for outcome in outcomes:
        metadata = {
            key: dg.MetadataValue.json(value) if isinstance(value, (list, dict)) else value
            for key, value in outcome.metadata.items()
            if value is not None
        }
        results.append(
            dg.AssetCheckResult(
                asset_key=dg.AssetKey(asset_key)
                if not isinstance(asset_key, dg.AssetKey)
                else asset_key,
                check_name=outcome.name,
                passed=outcome.passed,
                severity=dg.AssetCheckSeverity[outcome.severity],
                description=outcome.description,
                metadata=metadata,
            )
        )
    return results


__all__ = [
    "CheckOutcome",
    "data_docs_dir",
    "fresh_context",
    "outcomes_from_results",
    "run_checkpoint",
    "run_raw_checks",
    "suite_parameters",
    "to_asset_check_results",
]
