"""The action register as a Dagster asset: ``["actions", <table>]``, the keys of dbt's
``actions`` sources, so the lineage joins the register to its staging models.

Unpartitioned: the register is not per survey year (an action answers one measurement, but a
file may hold actions for several, and the status of an action changes between loads). It
depends on every accepted year's ``raw/respondents``, which it checks each new or changed
file's organisations and years against (``pipelines.actions.register.Measurements``), so a
backfill from the UI runs it after the years' promotions, as ``mognad load`` does; dbt's
``actions`` sources read it. It runs in every load before dbt; a rejected file does not
fail the run (the version accepted earlier stays in force) but fails the asset check
``action_files_accepted`` (severity WARN) naming the file, row and column.
"""

import dagster as dg

from pipelines.actions.register import HISTORY_FILE, REGISTER_FILE, load_register
from pipelines.load_guard import refuse_if_another_load
from pipelines.settings import WAREHOUSE_POOL, DataPaths

ACTION_TABLES = {
    REGISTER_FILE.removesuffix(".parquet"): "Decided actions of every handlingsplan file in force.",
    HISTORY_FILE.removesuffix(".parquet"): "Status history of the actions, one row per status seen.",
}
REGISTER_KEY = dg.AssetKey(["actions", REGISTER_FILE.removesuffix(".parquet")])
MEASURED_KEY = dg.AssetKey(["raw", "respondents"])
"""The promoted respondents (every accepted year) that the register validates actions against."""


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["actions", table], group_name="actions", kinds={"parquet", "xlsx"},
                     description=description, deps=[MEASURED_KEY])
        for table, description in ACTION_TABLES.items()
    ],
    check_specs=[dg.AssetCheckSpec("action_files_accepted", asset=REGISTER_KEY,
                                   description="Every handlingsplan file in actions/ was accepted.")],
    pool=WAREHOUSE_POOL,
)
def action_register(context: dg.AssetExecutionContext):
    """Read ``$MOGNAD_DATA_DIR/actions/``, validate every handlingsplan file and rewrite the
    register under ``warehouse/actions/`` (``pipelines.actions.register.load_register``)."""
    refuse_if_another_load()
    outcome = load_register(DataPaths.current())
    for line in outcome.summary().splitlines():
        (context.log.warning if outcome.rejected else context.log.info)(line)
    metadata = {
        "actions": outcome.actions,
        "accepted_files": dg.MetadataValue.json(outcome.accepted),
        "kept_previous_version": dg.MetadataValue.json(outcome.kept_previous),
        "rejected_files": dg.MetadataValue.json(outcome.rejected),
        "status_changes": outcome.status_changes,
    }
    for table in ACTION_TABLES:
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["actions", table]), metadata=metadata)
    yield dg.AssetCheckResult(
        check_name="action_files_accepted",
        asset_key=REGISTER_KEY,
        passed=not outcome.rejected,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": dg.MetadataValue.md(
            "\n\n".join(f"```\n{t}\n```" for t in outcome.rejected.values()) or "none")},
    )
