"""The council's sign-off log in the Dagster instance: each event appended is reported as a
materialisation of ``council/signoffs``, read back here through the instance's public API."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.signoff import clear_signoff, record_signoff
from pipelines.signoff_asset import SIGNOFF_LOG_KEY, report_signoff_event

NOW = dt.datetime(2026, 3, 14, 9, 30, tzinfo=dt.UTC)


def test_each_sign_off_event_is_a_materialisation_with_its_year_and_version(tmp_path):
    with dg.DagsterInstance.ephemeral() as instance:
        assert instance.get_latest_materialization_event(SIGNOFF_LOG_KEY) is None
        first = record_signoff(
            tmp_path, 2019, "Anna Berg, rådet", "Möte 12 mars", "f" * 64, now=NOW,
            meeting_date=dt.date(2026, 3, 12),
            decisions=[{"item": "withheld:0642", "decision": "overrule",
                        "organisation_code": "0642", "reason": "Svaren är representativa"},
                       {"item": "warning:dont_know_share", "decision": "accept"}])
        report_signoff_event(instance, first)
        cleared = clear_signoff(tmp_path, 2019, "Året lästes in på nytt", now=NOW)
        report_signoff_event(instance, cleared)

        records = instance.fetch_materializations(SIGNOFF_LOG_KEY, limit=10).records
        assert len(records) == 2
        latest, earlier = (r.asset_materialization for r in records)  # newest first
        assert {k: v.value for k, v in earlier.metadata.items()} == {
            "event": "signed_off", "year": 2019, "version": 1, "at": "2026-03-14T09:30:00Z",
            "meeting_date": "2026-03-12", "body": "Digitaliseringsrådet",
            "overruled_organisations": ["0642"]}
        assert earlier.description == "2019: signed off (version 1)"
        assert {k: v.value for k, v in latest.metadata.items()} == {
            "event": "cleared", "year": 2019, "version": 2, "at": "2026-03-14T09:30:00Z",
            "reason": "Året lästes in på nytt"}
        assert latest.description == "2019: sign-off cleared (version 2)"
        assert records[0].run_id == ""  # reported outside any run
