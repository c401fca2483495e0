"""The council's sign-off log as a Dagster asset: ``council/signoffs``, the key of dbt's source
``council.signoffs`` (``dbt_project/models/staging/_council__sources.yml``), so the lineage
joins the log to the staging model that reads the council's overrules.

The log (``pipelines.signoff``) is written outside any run: by ``mognad sign-off`` and by the
promotion of a reloaded year whose data changed, which clears that year's sign-off. The asset is therefore an
external one (nothing materialises it); each event appended is reported to the instance as a
run-less materialisation (:func:`report_signoff_event`), so the UI shows when the log last
changed and, in the event's metadata, which year, version and decision.
"""

from __future__ import annotations

from typing import Any

import dagster as dg

from pipelines.decisions import OVERRULE
from pipelines.settings import dbt_project_vars
from pipelines.signoff import EVENT_CLEARED

SIGNOFF_LOG_KEY = dg.AssetKey(["council", "signoffs"])

signoff_log = dg.AssetSpec(
    SIGNOFF_LOG_KEY,
    group_name="council",
    kinds={"json"},
    description=(
        "The council's (digitaliseringsrådet's) sign-off log, "
        f"`<data root>/{dbt_project_vars()['signoff_log']}`: one JSON object per line, "
        "append-only, written by `mognad sign-off` (a year signed off, with the council's "
        "decision on each withheld organisation) and by a reload that changed a signed-off "
        "year's data (its sign-off cleared). dbt reads the overrules of each year's current sign-off. "
        "Each event is reported here as a materialisation with its year and version."
    ),
)


def report_signoff_event(instance: dg.DagsterInstance, event: dict[str, Any]) -> None:
    """Report the event ``event`` just appended to the sign-off log (as
    :func:`pipelines.signoff.record_signoff` and :func:`~pipelines.signoff.clear_signoff`
    return it) to ``instance``: a materialisation of :data:`SIGNOFF_LOG_KEY` whose metadata
    hold the event's kind, year, version, time, for a clearing its reason (the log's
    ``comment``, in Swedish), and for a sign-off its meeting date, body and the organisations
    whose withholding it overrules."""
    metadata: dict[str, Any] = {
        "event": event["event"],
        "year": int(event["year"]),
        "version": int(event["version"]),
        "at": event["at"],
    }
    if event["event"] == EVENT_CLEARED:
        description = f"{event['year']}: sign-off cleared (version {event['version']})"
        metadata["reason"] = event.get("comment") or ""
    else:
        description = f"{event['year']}: signed off (version {event['version']})"
        metadata["meeting_date"] = event.get("meeting_date") or ""
        metadata["body"] = event.get("body") or ""
        metadata["overruled_organisations"] = dg.MetadataValue.json(sorted(
            d.get("organisation_code") or d["item"]
            for d in event.get("decisions") or [] if d.get("decision") == OVERRULE))
    instance.report_runless_asset_event(dg.AssetMaterialization(
        asset_key=SIGNOFF_LOG_KEY, description=description, metadata=metadata))
