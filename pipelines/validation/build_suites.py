"""Build the committed GX file context under ``expectations/gx/`` from the declared suites.

Run ``python -m pipelines.validation.build_suites`` after changing
:mod:`pipelines.validation.suites`, review the diff of ``expectations/gx/`` and commit it.
Runtime never creates or modifies these files: :func:`pipelines.validation.gx_checks.run_raw_checks`
copies them to a work folder and validates there.

What is written (GX Core 1.x file context):

- ``great_expectations.yml`` with ``analytics_enabled: false`` and the pandas data source
  ``raw``: one dataframe asset per raw table, each with the whole-dataframe batch definition
  ``whole_table`` (data arrives at run time as ``batch_parameters={"dataframe": df}``);
- ``expectations/raw_<table>.json``: one suite per raw table;
- ``validation_definitions/raw_<table>``: suite × batch definition;
- ``checkpoints/raw_tables``: the three validation definitions and the result format;
- ``expectations/quality_<table>.json``, their validation definitions and
  ``checkpoints/quality``: the council's WARN-level checks on the derived per-organisation,
  per-target-group and per-item tables (:mod:`pipelines.validation.quality`).

The output is reproducible: GX gives every object a random ``uuid4`` id, so the build
replaces ``uuid.uuid4`` with a deterministic sequence (uuid5 of a counter) while it runs.
Running the script twice gives byte-identical files (tested in
``tests/validation/test_build_suites.py``). The ``uncommitted/`` folder GX scaffolds is
removed from the output.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before GX is imported; no network here

from pipelines.settings import EXPECTATIONS_DIR  # noqa: E402
from pipelines.validation.suites import (  # noqa: E402
    BATCH_DEFINITION_NAME,
    DATASOURCE_NAME,
    GX_DIR_NAME,
    QUALITY_CHECKPOINT_NAME,
    QUALITY_COLUMNS,
    RAW_CHECKPOINT_NAME,
    RAW_COLUMNS,
    quality_suite_expectations,
    raw_suite_expectations,
    suite_name,
)

RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 20,
    "include_unexpected_rows": False,
}
"""Result format of ``raw_tables``: counts plus up to 20 unexpected values (no row dumps)."""

QUALITY_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["row_key"],
    "partial_unexpected_count": 20,
    "include_unexpected_rows": False,
}
"""Result format of ``quality``: every unexpected row, named by its ``row_key``, because each
organisation or item gets its own status. The derived tables have at most a few hundred rows."""

_UUID_NAMESPACE = uuid.UUID("6f1d6c1e-3a52-4a5e-9d0b-6d6f676e6164")


@contextmanager
def _deterministic_uuids(seed: str = "mognad-expectations") -> Iterator[None]:
    counter = itertools.count(1)

    def _next_uuid() -> uuid.UUID:
        return uuid.uuid5(_UUID_NAMESPACE, f"{seed}-{next(counter)}")

    with mock.patch("uuid.uuid4", _next_uuid):
        yield


def _add_checkpoint(context, datasource, name, expectations, result_format, meta) -> None:
    import great_expectations as gx

    validation_definitions = []
    for table, table_expectations in expectations.items():
        asset = datasource.add_dataframe_asset(table)
        batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION_NAME)
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite_name(table),
                expectations=table_expectations,
                meta={"table": table, **meta},
            )
        )
        validation_definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=suite_name(table), data=batch_definition, suite=suite)
            )
        )
    context.checkpoints.add(
        gx.Checkpoint(
            name=name,
            validation_definitions=validation_definitions,
            result_format=result_format,
            actions=[],
        )
    )


def _build_context(project_root: Path) -> None:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="file", project_root_dir=str(project_root))
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    context.variables.save()
    datasource = context.data_sources.add_pandas(DATASOURCE_NAME)
    meta = {
        "built_by": "python -m pipelines.validation.build_suites",
        "source": "pipelines/validation/suites.py",
    }
    raw = raw_suite_expectations()
    _add_checkpoint(
        context,
        datasource,
        RAW_CHECKPOINT_NAME,
        {table: raw[table] for table in RAW_COLUMNS},
        RESULT_FORMAT,
        meta,
    )
    quality = quality_suite_expectations()
    _add_checkpoint(
        context,
        datasource,
        QUALITY_CHECKPOINT_NAME,
        {table: quality[table] for table in QUALITY_COLUMNS},
        QUALITY_RESULT_FORMAT,
        meta,
    )


def build_suites(expectations_dir: Path = EXPECTATIONS_DIR) -> Path:
    """(Re)write ``<expectations_dir>/gx/`` from :mod:`pipelines.validation.suites`.

    Builds in a temporary folder and then replaces the old ``gx/`` folder whole. Returns the
    path of the new ``gx/`` folder. Raises whatever GX raises on an invalid expectation.
    """
    expectations_dir = Path(expectations_dir)
    expectations_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=expectations_dir, prefix=".build-") as tmp:
        with _deterministic_uuids():
            _build_context(Path(tmp))
        built = Path(tmp) / GX_DIR_NAME
        shutil.rmtree(built / "uncommitted", ignore_errors=True)
        target = expectations_dir / GX_DIR_NAME
        if target.exists():
            shutil.rmtree(target)
        built.rename(target)
    return target


def main() -> None:
    target = build_suites()
    print(f"Wrote the GX context to {target}; review the diff and commit it.")


if __name__ == "__main__":
    main()
