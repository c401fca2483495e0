"""The landing sensor starts one run per new or changed landing folder, never twice."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest


@pytest.fixture()
def data_root(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(tmp_path))
    (tmp_path / "landing" / "2018").mkdir(parents=True)
    (tmp_path / "landing" / "2018" / "export.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (tmp_path / "landing" / "notayear").mkdir()
    (tmp_path / "landing" / "2019").mkdir()  # empty: not a year to load yet
    return tmp_path


def test_fingerprint_depends_on_content_not_mtime(data_root: Path):
    from pipelines.landing import landing_fingerprint

    folder = data_root / "landing" / "2018"
    first = landing_fingerprint(folder)
    (folder / "export.csv").write_text("a;b\n1;2\n", encoding="utf-8")  # same bytes, new mtime
    assert landing_fingerprint(folder) == first
    (folder / "export.csv").write_text("a;b\n1;3\n", encoding="utf-8")
    assert landing_fingerprint(folder) != first


def _promote(instance, year: int, version: str) -> None:
    """Record in the instance what a successful promotion of ``year`` records."""
    from pipelines.orchestration import INPUT_RECORD, RAW_ANSWERS_KEY

    instance.report_runless_asset_event(
        dg.AssetMaterialization(
            asset_key=RAW_ANSWERS_KEY,
            partition=str(year),
            metadata={INPUT_RECORD: dg.MetadataValue.json(
                {"year": year, "input_version": version, "landing_fingerprint": "f" * 64}
            )},
        )
    )


def test_sensor_requests_new_and_changed_years_once_then_the_rebuild(data_root: Path, dbt_manifest):
    from pipelines.definitions import landing_sensor
    from pipelines.orchestration import build_keys, ingest_keys, input_version
    from pipelines.settings import DataPaths

    with dg.instance_for_test() as instance:
        with dg.build_sensor_context(instance=instance) as context:
            result = landing_sensor(context)
        [request] = result.run_requests
        assert request.partition_key == "2018"
        assert set(request.asset_selection) == set(ingest_keys())
        assert {k.to_user_string() for k in request.asset_selection} == {
            "survey_export", "raw/survey_answers", "raw/respondents", "raw/invitations",
            "raw/quality_check_results"}
        assert result.dynamic_partitions_requests[0].partition_keys == ["2018"]
        cursor = result.cursor
        assert set(json.loads(cursor)) == {"2018"}

        with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
            again = landing_sensor(context)
        assert again.run_requests == []  # requested already, and nothing accepted to build

        # the run promoted 2018: the next tick asks for one rebuild and publication
        instance.add_dynamic_partitions("survey_year", ["2018"])
        _promote(instance, 2018, input_version(DataPaths.current(), 2018))
        with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
            build = landing_sensor(context)
        [rebuild] = build.run_requests
        assert rebuild.partition_key is None
        assert set(rebuild.asset_selection) == set(build_keys())
        assert dg.AssetKey("published_snapshot") in rebuild.asset_selection
        assert not set(rebuild.asset_selection) & set(ingest_keys())

        (data_root / "landing" / "2018" / "export.csv").write_text("a;b\n9;9\n", encoding="utf-8")
        with dg.build_sensor_context(instance=instance, cursor=cursor) as context:
            changed = landing_sensor(context)
        [reload] = changed.run_requests  # the changed year first; the rebuild after it
        assert reload.partition_key == "2018" and reload.run_key != request.run_key


def test_yearly_schedule_loads_the_year_that_just_closed(data_root: Path, dbt_manifest):
    import datetime as dt

    from pipelines.definitions import defs, yearly_schedule

    repository = defs.get_repository_def()
    # Schedule contexts are entered and exited: an unexited one keeps its instance installed
    # in Dagster's context variables, which breaks later tests once the instance is gone.
    with dg.instance_for_test() as instance:
        with dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2019, 1, 15, 6, 0),
            repository_def=repository,
        ) as closed_2018:
            data = yearly_schedule.evaluate_tick(closed_2018)
        [request] = data.run_requests
        assert request.partition_key == "2018"
        assert request.asset_selection is None  # the whole job: load 2018, rebuild, publish
        assert instance.has_dynamic_partition("survey_year", "2018")

        with dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2020, 1, 15, 6, 0),
            repository_def=repository,
        ) as closed_2019:
            skipped = yearly_schedule.evaluate_tick(closed_2019)  # landing/2019 is empty
        assert skipped.run_requests == []
        assert "2019" in skipped.skip_message
