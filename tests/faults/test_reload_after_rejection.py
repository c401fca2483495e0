"""A rejected reload of an accepted year, as the data engineer meets it in the UI: the
year's per-year partitions show the rejected run as Failed while the earlier accepted load
stays in force and published; putting the accepted files back and loading them again (by
`mognad load` or the landing sensor, one rule) materialises the partitions anew, so they
show Materialized; the same data as the published ones, so neither dbt nor the publication
runs again and no new snapshot is published."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from fault_support import EXPORT_2020, accepted, mognad, published

pytestmark = pytest.mark.e2e

INGEST_ASSETS = {"survey_export", "raw/survey_answers", "raw/respondents", "raw/invitations",
                 "raw/quality_check_results"}


def statuses(data: Path, year: int) -> dict[str, dg.AssetPartitionStatus | None]:
    """The status of ``year``'s partition of each per-year asset, as the UI computes it."""
    from pipelines.orchestration import ingest_keys
    from pipelines.partitions import survey_years

    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        return {key.to_user_string(): (instance.get_status_by_partition(
                    key, [str(year)], survey_years) or {}).get(str(year))
                for key in ingest_keys()}  # fmt: skip


def sensor_tick(data: Path, cursor: str | None = None) -> dg.SensorResult:
    from pipelines.definitions import landing_sensor

    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
            return landing_sensor(context)


def schedule_tick(data: Path, closed_year: int) -> list[dg.RunRequest]:
    """The yearly schedule's run requests on 15 January after ``closed_year``."""
    import datetime as dt

    from pipelines.definitions import defs, yearly_schedule

    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        with dg.build_schedule_context(
                instance=instance, repository_def=defs.get_repository_def(),
                scheduled_execution_time=dt.datetime(closed_year + 1, 1, 15, 6, 0)) as context:
            return list(yearly_schedule.evaluate_tick(context).run_requests or [])


def built_materializations(data: Path) -> int:
    """How many materialisations of the build's assets (every dbt model and seed,
    ``published_snapshot``) the instance holds."""
    from pipelines.orchestration import build_keys

    with dg.DagsterInstance.from_config(str(data / "dagster_home")) as instance:
        return sum(len(instance.fetch_materializations(key, limit=1000).records)
                   for key in build_keys())


def test_rejected_reload_shows_failed_until_the_accepted_files_are_loaded_again(
        data, tmp_path, monkeypatch):
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data))
    good = tmp_path / "good-2020"
    shutil.copytree(data / "landing" / "2020", good)
    path = data / "landing" / "2020" / EXPORT_2020
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    lines[3] += ",extra"  # data row 3 has one field too many: the export is rejected
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    raw, snap = accepted(data), published(data)
    assert set(statuses(data, 2020).values()) == {dg.AssetPartitionStatus.MATERIALIZED}

    rejected = mognad(data, "load", "2020")
    out = rejected.stdout + rejected.stderr
    assert rejected.returncode == 1, out[-3000:]
    # the run failed and says what stays in force: the accepted 2020 and snapshot `snap`
    assert "2020: the export was rejected and quarantined in" in out
    assert (f"stays in force and published: published/latest (snapshot {snap[0]}) is "
            "unchanged") in out
    assert statuses(data, 2020)["raw/survey_answers"] == dg.AssetPartitionStatus.FAILED
    assert statuses(data, 2019) == dict.fromkeys(INGEST_ASSETS, dg.AssetPartitionStatus.MATERIALIZED)
    assert accepted(data) == raw and published(data) == snap

    # the rejected files stay: the sensor's cursor has their run, so it asks for nothing
    first = sensor_tick(data)
    assert [r.partition_key for r in first.run_requests] == ["2020"]
    assert sensor_tick(data, first.cursor).run_requests == []

    # the accepted files back: not "unchanged" while 2020's latest attempt failed
    shutil.rmtree(data / "landing" / "2020")
    shutil.copytree(good, data / "landing" / "2020")
    [request] = sensor_tick(data, first.cursor).run_requests
    assert request.partition_key == "2020"
    assert request.run_key != first.run_requests[0].run_key
    assert request.run_key.startswith("ingest-2020-") and "-after-failure-" in request.run_key
    # the schedule (one rule): the year's ingest alone, the same run as the sensor's
    [scheduled] = schedule_tick(data, 2020)
    assert (scheduled.partition_key, scheduled.run_key) == ("2020", request.run_key)
    assert sorted(k.to_user_string() for k in scheduled.asset_selection) == sorted(INGEST_ASSETS)

    built = built_materializations(data)
    assert built >= 70  # the base load's build: one per dbt node and the publication
    reload = mognad(data, "load", "2020")
    out = reload.stdout + reload.stderr
    assert reload.returncode == 0, out[-3000:]
    assert "==> 2020: its latest load failed" in out and "==> 2020: loaded" in out
    assert statuses(data, 2020) == dict.fromkeys(INGEST_ASSETS, dg.AssetPartitionStatus.MATERIALIZED)
    assert accepted(data) == raw
    # the inputs of the published snapshot: no build, no dbt model or snapshot materialised
    assert (f"==> nothing to build or publish: published/latest (snapshot {snap[0]}) is up "
            "to date") in out
    assert "build and publish" not in out
    assert built_materializations(data) == built
    assert published(data) == snap

    # green and unchanged: the sensor asks for nothing, and the CLI says unchanged
    assert sensor_tick(data).run_requests == []
    again = mognad(data, "load", "2020")
    assert again.returncode == 0 and "==> 2020: unchanged:" in again.stdout
