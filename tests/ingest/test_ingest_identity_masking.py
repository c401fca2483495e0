"""No identity value in any message (domain doc, Privacy): identity-column values fed into
every rejection path that quotes cell values never reach the error text, its details,
reason.txt / reason.json, the warnings or the dry-run report."""

from __future__ import annotations

import json

import pytest
from ingest_support import (
    HEAD_2018,
    SECRET,
    answers,
    csv_text,
    custom_profile,
    ok_row_2018,
    row_2018,
    write_2018,
    write_invitations,
)

from pipelines.ingest import IngestError, dry_run, ingest_year, quarantine
from pipelines.ingest.masking import MASKED_EMAIL, MASKED_IDENTITY, IdentityMask

EMAIL = "anna.svensson@nassjo.example.se"
NAME = "Anna Svensson"
RID = "R-778899"
IDENTITY = (EMAIL, NAME, RID, "anna.svensson", "Svensson")


def person(org="Nässjö", group="Kommunledning", name=NAME, email=EMAIL, ans=None, rid=RID):
    return row_2018(rid, "2018-10-15 14:03", org, group, "Soc", name, email, ans or answers())


def assert_no_identity(*texts: str) -> None:
    for text in texts:
        for value in IDENTITY:
            assert value.casefold() not in text.casefold(), (value, text)


def reject(folder, **kw) -> IngestError:
    with pytest.raises(IngestError) as err:
        ingest_year(folder, 2018, secret=SECRET, **kw)
    error = err.value
    assert_no_identity(str(error), repr(error.args), json.dumps(error.details, default=str,
                                                                 ensure_ascii=False))
    where = quarantine(folder, 2018, folder.parent / "quarantine", error)
    assert_no_identity((where / "reason.txt").read_text(encoding="utf-8"),
                       (where / "reason.json").read_text(encoding="utf-8"))
    assert_no_identity(dry_run(folder, 2018, **kw).render())
    return error


CASES = {
    # the e-mail typed into the organisation field
    "organisation_is_the_email": [ok_row_2018("1"), person(org=EMAIL)],
    # the survey tool copied the name into the organisation field
    "organisation_is_the_name": [ok_row_2018("1"), person(org=NAME)],
    # the respondent id in the target-group field
    "target_group_is_the_id": [ok_row_2018("1"), person(group=RID)],
    # a name among the answers
    "answer_is_the_name": [ok_row_2018("1"), person(ans=answers("3", NAME))],
    # an e-mail among the answers, in a row whose e-mail column holds another one
    "answer_is_an_email": [person(ans=answers(EMAIL), email="x@y.example.se")],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_identity_masked_in_mapping_rejections(tmp_path, case):
    folder = tmp_path / "landing" / "2018"
    write_2018(folder, CASES[case])
    error = reject(folder)
    assert MASKED_IDENTITY in error.reason or MASKED_EMAIL in error.reason
    assert "masked in this message" in error.reason


def test_identity_masked_in_the_year_column_rule_reject_and_warn(tmp_path):
    change = {"columns": {"survey_year": {"aliases": ["År"]}}}
    folder = tmp_path / "landing" / "2018"
    write_2018(folder, [ok_row_2018("1") + ["2018"], person() + [RID]],
               header=HEAD_2018 + ["År"])
    error = reject(folder, profiles_dir=custom_profile(tmp_path, "dimios_2018_csv", change))
    assert f"'{MASKED_IDENTITY}': 1 row" in error.reason
    warn = custom_profile(tmp_path, "dimios_2018_csv", {**change, "year_rule": "warn"})
    result = ingest_year(folder, 2018, secret=SECRET, profiles_dir=warn)
    assert_no_identity(*result.warnings)
    assert any(f"'{MASKED_IDENTITY}': 1 row" in w for w in result.warnings)


def test_identity_masked_in_invitations_and_headerless_files(tmp_path):
    folder = tmp_path / "landing" / "2018"
    write_2018(folder, [ok_row_2018("1")])
    write_invitations(folder, [f"{EMAIL},kommunledning,10,email"])
    error = reject(folder)
    assert MASKED_EMAIL in error.reason
    headerless = tmp_path / "other" / "landing" / "2018"
    headerless.mkdir(parents=True)
    (headerless / "profile.txt").write_text("dimios_2018_csv\n", encoding="utf-8")
    text = csv_text(person(), [ok_row_2018("1")], ";", "\r\n")  # the header line is missing
    (headerless / "dimios_export_2018.csv").write_bytes(text.encode("cp1252"))
    error = reject(headerless)
    assert error.details["kind"] == "no_header"


def test_mask_unit():
    mask = IdentityMask([" Anna  Svensson ", "", "R-1"])
    assert mask.text("values 'Anna Svensson' (2 rows), \"R-1\", 'Aneby', R-1 in 3 rows") == (
        f"values '{MASKED_IDENTITY}' (2 rows), '{MASKED_IDENTITY}', 'Aneby', R-1 in 3 rows")
    assert mask.text("mail a.b-c+d@kommun.example.se; x@y") == f"mail {MASKED_EMAIL}; x@y"
    assert mask.data({"Anna Svensson": 2, "list": ["R-1", "ok", "e a@b.se"]}) == {
        MASKED_IDENTITY: 2, "list": [MASKED_IDENTITY, "ok", f"e {MASKED_EMAIL}"]}


def test_identity_masked_in_the_dagster_event_log(tmp_path, monkeypatch):
    """The real survey_export asset rejects a file quoting an e-mail and a name; nothing in
    the instance's storage (sqlite event log, run storage, compute logs) holds them."""
    import dagster as dg

    from pipelines.ingest.assets import survey_export
    from pipelines.partitions import survey_years

    data = tmp_path / "data"
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(data))
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", SECRET.decode())
    write_2018(data / "landing" / "2018",
               [ok_row_2018("1"), person(org=EMAIL), person(group=NAME, rid="R-2",
                                                            email="b@c.example.se")])
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        instance.add_dynamic_partitions(survey_years.name, ["2018"])
        result = dg.materialize([survey_export], partition_key="2018", instance=instance,
                                raise_on_error=False)
        assert not result.success
        failure = next(e for e in result.all_events if e.is_step_failure)
        description = failure.step_failure_data.user_failure_data.description
        assert_no_identity(description)
        assert description.count(MASKED_IDENTITY) == 2  # the e-mail is an identity value
        # a routine data fault: the UI shows the reason, not the ingest's traceback beneath
        assert failure.step_failure_data.error.cause is None
    stored = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert MASKED_IDENTITY.encode() in stored  # the failure text is in the storage searched
    for value in IDENTITY:
        assert value.encode() not in stored, value
    [folder] = (data / "quarantine" / "2018").iterdir()
    assert_no_identity(*(p.read_text(encoding="utf-8") for p in folder.glob("reason.*")))
