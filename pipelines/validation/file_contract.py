"""The file contract as a blocking gate on one survey year's candidate tables.

``survey_export`` (:mod:`pipelines.ingest.assets`) only reads the export and writes the
candidate tables; everything about judging them is here: which checks the asset declares
(:func:`file_contract_check_specs`, blocking, one result per survey year), running the
committed GX checkpoint on the tables, writing the year's structural check results
(``quality_check_results.parquet`` beside the candidate tables), the rejection decision and
its reason, and the quarantine of a rejected input. The asset reports the
:class:`FileContractVerdict` as its check results and metadata; the promotion
(:mod:`pipelines.validation.assets`) reads it back from the Dagster instance
(:data:`BLOCKING_CHECKS_PASSED`), so a rejected year is never promoted and the years
accepted before stay as they are.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow.parquet as pq

from pipelines.ingest import IngestError, IngestResult, quarantine
from pipelines.ingest.quarantine import rejection_message
from pipelines.partitions import survey_years
from pipelines.settings import DataPaths
from pipelines.validation.gx_checks import CheckOutcome, run_raw_checks, to_asset_check_results
from pipelines.validation.results import findings_from_stats, write_check_results
from pipelines.validation.suites import RAW_CHECKS

BLOCKING_CHECKS_PASSED = "blocking_checks_passed"
"""Metadata key on a ``survey_export`` materialisation: whether the year's blocking checks
passed (the promotion asset reads it from the instance)."""

FAILED_CHECKS = "failed_checks"
"""Metadata key on a ``survey_export`` materialisation: the names of the blocking checks
that failed (empty when the year passed)."""


class ValidationRejected(IngestError):
    """The year's tables were read but a blocking data-quality check failed."""


def file_contract_check_specs(asset_key: dg.AssetKey) -> list[dg.AssetCheckSpec]:
    """The file-contract checks of ``asset_key`` (:data:`RAW_CHECKS`), blocking, each
    partitioned by survey year so that every result is attributed to its year.

    Dagster marks partitioned checks as a preview feature; the warning that says so is not
    shown to users at every import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)
        return [
            dg.AssetCheckSpec(
                c.name,
                asset=asset_key,
                description=c.description,
                blocking=True,
                partitions_def=survey_years,
            )
            for c in RAW_CHECKS
        ]


def fewer_respondents_than_accepted(accepted_year: Path, respondents: int) -> str | None:
    """A warning when a delivery of an already accepted year has fewer respondents than the
    accepted one (``accepted_year``: its raw folder, read from ``respondents.parquet``'s
    footer); None for a first delivery or one with as many or more.

    A file cut off exactly at a line break is a complete, well-formed CSV: only the
    comparison with what was accepted before shows that rows are missing. A corrected export
    may drop respondents on purpose, so this warns (listed by ``mognad load``, kept in the
    materialisation's metadata) rather than rejects."""
    accepted_file = accepted_year / "respondents.parquet"
    if not accepted_file.is_file():
        return None
    accepted = pq.read_metadata(accepted_file).num_rows
    if respondents >= accepted:
        return None
    lost = accepted - respondents
    return (
        f"this delivery has {respondents} respondents, {lost} fewer than the {accepted} "
        f"accepted before ({lost / accepted:.0%} fewer): if the export was cut off or "
        "filtered, deliver the complete file and load the year again; if respondents were "
        "removed on purpose, nothing to do"
    )


@dataclass(frozen=True)
class FileContractVerdict:
    """One year's file-contract verdict: the check outcomes (one per :data:`RAW_CHECKS`
    entry) and, when a blocking check failed, the quarantine folder of the rejected input."""

    year: int
    outcomes: list[CheckOutcome]
    quarantined: Path | None

    @property
    def failed(self) -> list[CheckOutcome]:
        """The blocking checks that failed."""
        return [o for o in self.outcomes if not o.passed and o.severity == "ERROR"]

    @property
    def passed(self) -> bool:
        return not self.failed

    def reason(self) -> str:
        """What failed and what was observed, one line per failed check (the quarantine's
        ``reason.txt`` and the step's failure say this)."""
        lines = [f"{len(self.failed)} blocking data-quality check(s) failed:"]
        lines += [f"- {o.name}: {o.description} Observed: {o.metadata}" for o in self.failed]
        return "\n".join(lines)

    def metadata(self) -> dict[str, Any]:
        """The verdict as materialisation metadata (what the promotion reads)."""
        return {
            BLOCKING_CHECKS_PASSED: self.passed,
            FAILED_CHECKS: dg.MetadataValue.json([o.name for o in self.failed]),
        }

    def check_results(self, asset_key: dg.AssetKey) -> list[dg.AssetCheckResult]:
        """One Dagster check result per outcome, for the checks of
        :func:`file_contract_check_specs`."""
        return to_asset_check_results(self.outcomes, asset_key)

    def failure(self, in_force: str) -> dg.Failure:
        """The step failure of a rejected year: where the input went, why (Dagster itself
        would only say that a blocking check failed) and ``in_force``, what stays in force
        instead (:func:`~pipelines.ingest.quarantine.rejection_message`)."""
        return dg.Failure(
            description=rejection_message(self.year, self.quarantined, self.reason(), in_force),
            metadata={"quarantine": str(self.quarantined)},
        )


def check_file_contract(
    result: IngestResult, *, year: int, incoming: Path, paths: DataPaths
) -> FileContractVerdict:
    """Run the blocking file-contract checks on ``result``'s tables (already written to
    ``incoming``), write their results to ``incoming/quality_check_results.parquet``
    (:data:`~pipelines.validation.results.CHECK_RESULTS_SCHEMA`, with the ingest rules that
    fired as warnings), and quarantine the year's landing files with the reason when a
    check failed. The GX work files and Data Docs go to ``paths.validation_work(year)``."""
    outcomes = run_raw_checks(
        result.tables,
        year=year,
        instrument_version=result.instrument_version,
        work_dir=paths.validation_work(year),
    )
    write_check_results(
        incoming / "quality_check_results.parquet",
        year=year,
        structural=outcomes,
        checked_at=dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None),
        ingest_findings=findings_from_stats(result.stats),
    )
    verdict = FileContractVerdict(year=year, outcomes=outcomes, quarantined=None)
    if verdict.passed:
        return verdict
    where = quarantine(
        paths.landing_year(year), year, paths.quarantine, ValidationRejected(verdict.reason())
    )
    return FileContractVerdict(year=year, outcomes=outcomes, quarantined=where)
