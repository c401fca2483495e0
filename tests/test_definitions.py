"""The Dagster code location loads and forms one lineage graph."""

from __future__ import annotations

from pathlib import Path

import dagster as dg


def test_definitions_load_with_one_lineage_graph(dbt_manifest):
    from pipelines.definitions import defs
    from pipelines.validation import RAW_CHECKS

    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"survey_export", "raw/survey_answers", "raw/respondents", "raw/invitations",
            "published_snapshot"} <= keys

    # Ingest carries the GX checks of the file contract, all blocking; the council's quality
    # checks are dbt's warn-severity tests on int_quality_checks_evaluated.
    checks = {
        spec.name: spec
        for spec in defs.resolve_assets_def(dg.AssetKey("survey_export")).check_specs
    }
    assert set(checks) == {c.name for c in RAW_CHECKS}
    assert all(spec.blocking for spec in checks.values())
    [quality_key] = [k for k in graph.get_all_asset_keys() if k.path[-1] == "int_quality_checks_evaluated"]
    quality_checks = {
        spec.name for spec in defs.resolve_assets_def(quality_key).check_specs
        if spec.asset_key == quality_key
    }  # fmt: skip
    assert {"response_rate", "min_respondents", "respondents_within_invited", "dont_know_share",
            "item_nonresponse"} <= quality_checks  # fmt: skip
    assert {"required_columns", "answers_within_scale", "expected_organisations_present"} <= {
        c.name for c in RAW_CHECKS
    }

    # The promotion assets are the dbt sources: staging reads them, so lineage joins.
    def upstream(key: str) -> set[str]:
        return {k.to_user_string() for k in graph.get(dg.AssetKey(key.split("/"))).parent_keys}

    assert upstream("raw/survey_answers") == {"survey_export"}
    staging_answers = [k for k in keys if k.endswith("stg_raw__survey_answers")]
    assert staging_answers and "raw/survey_answers" in upstream(staging_answers[0])

    # Publication depends on every curated table, including the two core marts.
    published_parents = upstream("published_snapshot")
    assert any(k.endswith("maturity_by_organisation") for k in published_parents)
    assert any(k.endswith("maturity_by_category") for k in published_parents)

    # The action register is the dbt source of the actions' staging models; it is not per
    # survey year (a file holds actions for any measurement), so it is unpartitioned.
    staging_actions = [k for k in keys if k.endswith("stg_actions__decided_actions")]
    assert staging_actions and "actions/decided_actions" in upstream(staging_actions[0])
    assert graph.get(dg.AssetKey(["actions", "decided_actions"])).partitions_def is None
    # it validates new files against every accepted year's respondents: it runs after them
    assert upstream("actions/decided_actions") == upstream("actions/action_status_history") == {
        "raw/respondents"}

    # Only what is per year is partitioned by survey year; seeds, models and the
    # publication hold every accepted year.
    partitioned = {
        key.to_user_string()
        for key in graph.get_all_asset_keys()
        if graph.get(key).is_materializable and graph.get(key).partitions_def is not None
    }
    assert partitioned == {"survey_export", "raw/survey_answers", "raw/respondents",
                           "raw/invitations", "raw/quality_check_results"}
    assert all(graph.get(dg.AssetKey(k.split("/"))).partitions_def.name == "survey_year"
               for k in partitioned)
    seeds = [k for k in keys if k.endswith("organisations") and "seed" not in k]
    assert seeds and all(graph.get(dg.AssetKey(k.split("/"))).partitions_def is None for k in seeds)
    # every check result of the year's checks is attributed to its partition
    assert all(spec.partitions_def is not None for spec in checks.values())

    # The council's sign-off log is declared (before, Dagster made a stub of dbt's source:
    # group "default", no description, storage "duckdb" though the log is a JSONL file).
    signoffs = graph.get(dg.AssetKey(["council", "signoffs"]))
    assert (signoffs.group_name, signoffs.kinds, signoffs.is_materializable) == (
        "council", {"json"}, False)
    assert "`<data root>/signoff/signoffs.jsonl`" in signoffs.description
    assert "dagster/storage_kind" not in signoffs.metadata
    staging_overrules = [k for k in keys if k.endswith("stg_council__withholding_overrules")]
    assert staging_overrules and upstream(staging_overrules[0]) == {"council/signoffs"}
    assert [k for k in graph.get_all_asset_keys() if graph.get(k).group_name == "default"] == []

    job = defs.resolve_job_def("survey_load")
    assert job.partitions_def.name == "survey_year"
    assert defs.resolve_sensor_def("landing_sensor").description
    assert defs.resolve_schedule_def("yearly_schedule").description
    # the UI renders descriptions as Markdown: a placeholder in angle brackets must be code
    published = defs.resolve_assets_def(dg.AssetKey("published_snapshot"))
    description = published.specs_by_key[dg.AssetKey("published_snapshot")].description
    assert "`published/<snapshot id>/`" in description


def test_dbt_asset_descriptions_are_whole(dbt_manifest):
    """Every dbt model and seed has its own description in the catalog; a model's ends with
    its SQL, a seed's (a CSV file, no SQL) with no empty "Raw SQL" block."""
    import json

    from pipelines.transform.assets import mognad_dbt_models

    nodes = json.loads(Path(dbt_manifest).read_text(encoding="utf-8"))["nodes"].values()
    kinds = {(n["resource_type"], n["name"]): n for n in nodes
             if n["resource_type"] in ("model", "seed")}  # fmt: skip
    assert ("seed", "model_factors") in kinds and ("model", "quality_check_results") in kinds
    assert all(n.get("description") for n in kinds.values()), [
        name for (_, name), n in kinds.items() if not n.get("description")]
    for key, spec in mognad_dbt_models.specs_by_key.items():
        if "#### Raw SQL" in (spec.description or ""):
            assert spec.description.split("#### Raw SQL:")[1].strip("`\n sql"), key
    seed = next(spec for key, spec in mognad_dbt_models.specs_by_key.items()
                if key.path[-1] == "model_factors")  # fmt: skip
    assert seed.description == kinds[("seed", "model_factors")]["description"]


def test_production_dbt_build_leaves_unit_tests_to_the_test_suite(dbt_manifest):
    from pipelines.transform.assets import dbt_build_args

    assert dbt_build_args() == ["build", "--exclude-resource-type", "unit_test"]
    assert dbt_build_args(with_unit_tests=True) == ["build"]


def test_partial_dbt_builds_run_only_buildable_tests(dbt_manifest, monkeypatch):
    """A run of some dbt models (a backfill builds the models that read no survey year in a
    run of their own) must not run a relationships test whose other model it does not build:
    dbt's indirect selection is ``buildable`` while dagster-dbt starts dbt, unless the
    environment names one."""
    import os

    from pipelines.transform import assets

    monkeypatch.delenv("DBT_INDIRECT_SELECTION", raising=False)
    with assets._default_indirect_selection():
        assert os.environ["DBT_INDIRECT_SELECTION"] == "buildable"
    assert "DBT_INDIRECT_SELECTION" not in os.environ
    monkeypatch.setenv("DBT_INDIRECT_SELECTION", "cautious")
    with assets._default_indirect_selection():
        assert os.environ["DBT_INDIRECT_SELECTION"] == "cautious"
    assert os.environ["DBT_INDIRECT_SELECTION"] == "cautious"
    # what dbt selects: building mart_organisations alone runs its own tests, not the
    # relationships test of maturity_by_department against it (which eager would run)
    import subprocess

    from pipelines.transform.project import DBT_PROJECT_DIR, dbt_command

    def tests_selected(mode: str) -> set[str]:
        proc = subprocess.run(
            dbt_command("ls", "--select", "mart_organisations", "--resource-type", "test",
                        "--output", "name", "--quiet"),
            cwd=DBT_PROJECT_DIR, capture_output=True, text=True, timeout=300,
            env={**os.environ, "DBT_INDIRECT_SELECTION": mode},
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        return set(proc.stdout.split())

    relationship = ("relationships_maturity_by_department_organisation_code__organisation_code"
                    "__ref_mart_organisations_")
    assert relationship in tests_selected("eager")
    buildable = tests_selected("buildable")
    assert relationship not in buildable
    assert "unique_mart_organisations_organisation_code" in buildable
