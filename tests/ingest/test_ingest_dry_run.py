"""dry_run(): shows the mapping and every problem, writes nothing."""

from __future__ import annotations

import re

import pytest
from ingest_support import (
    HEAD_2018,
    HEAD_2020,
    answers,
    custom_profile,
    ok_row_2018,
    ok_row_2020,
    row_2018,
    write_2018,
    write_2020,
)

from pipelines.ingest import dry_run
from pipelines.ingest.profiles import ProfileError, load_profile


def snapshot(root):
    return sorted((str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*"))


def test_dry_run_lists_all_problems_and_rejects(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [
        ok_row_2018("1", "Atlantis", ans=answers("6", "6")) + ["x"],
        row_2018("2", "2018-10-15 14:03", "Aneby", "Rektor", "", "", "", answers()) + [""],
    ], header=HEAD_2018 + ["F37"])
    before = snapshot(tmp_path)
    report = dry_run(folder, 2018)
    text = report.render()
    assert snapshot(tmp_path) == before
    assert not report.ok
    assert "Export profile: dimios_2018_csv" in text
    assert "data rows: 2" in text
    assert "UNMAPPED columns: 'F37'" in text
    assert "'Atlantis'" in text and "-> NOT MATCHED (1 row)" in text
    assert "'Aneby'" in text and "-> 0604 (1 row)" in text
    assert "'Rektor'" in text and "-> NOT MAPPED (1 row)" in text
    assert "F01: '6' (1 cell)" in text and "F02: '6' (1 cell)" in text
    assert "'Namn'" in text and "-> dropped (identity)" in text
    assert "'F01'" in text and "-> item:EFF01" in text
    assert "Verdict: REJECTED (MappingError)" in text


def test_dry_run_broken_file_reported(tmp_path):
    folder = tmp_path / "2018"
    folder.mkdir()
    (folder / "profile.txt").write_text("dimios_2018_csv", encoding="utf-8")
    (folder / "x.csv").write_bytes(b"%PDF-1.4")
    report = dry_run(folder, 2018)
    assert not report.ok
    assert "CANNOT READ: x.csv is a PDF document" in report.render()


def test_dry_run_ok_with_counts_and_profile_override(tmp_path):
    folder = tmp_path / "2018"
    write_2018(folder, [ok_row_2018("1", ans=answers("1", "Vet ej", "")),
                        ok_row_2018("2")], profile=False)
    report = dry_run(folder, 2018, profile="dimios_2018_csv")
    text = report.render()
    assert report.ok, text
    assert "respondents 2" in text and "answers 72" in text and "dont_know 1" in text
    assert re.search(r"'vet ej' +-> dont_know \(1 cell\)", text)
    assert re.search(r"'3' +-> answered 3 \(69 cells\)", text)  # 33 + 36
    assert re.search(r"'' +-> blank \(1 cell\)", text)
    assert "invitations.csv: missing - response rates will be unknown" in text
    assert "Warning: no invitations.csv" in text
    assert "Verdict: OK - would load 2 respondents and 72 answers" in text


def test_dry_run_without_profile_rejects_cleanly(tmp_path):
    folder = tmp_path / "2031"
    folder.mkdir()
    report = dry_run(folder, 2031)
    assert not report.ok
    assert "Verdict: REJECTED - No export profile applies to 2031" in report.render()


def test_dry_run_of_a_missing_landing_folder_says_so(tmp_path):
    report = dry_run(tmp_path / "landing" / "2031", 2031)
    assert report.verdict.startswith("REJECTED - Landing folder ")
    assert "does not exist" in report.verdict and "profile.txt" not in report.verdict
    assert not (tmp_path / "landing").exists()  # nothing written


def test_dry_run_says_which_optional_column_is_missing_and_what_is_lost(tmp_path):
    """An export without the optional Enhet column loads (Verdict OK) but the dry run says,
    in the words declared beside the profile's optional columns, that the results per
    department lose its answers; the export with every column gets no such warning. The
    report is in one language, English: its own words, the ingest's warnings and the verdict
    (a load of 1 respondent says "1 respondent")."""
    folder = tmp_path / "2020"
    without = [c for c in HEAD_2020 if c != "Enhet"]
    row = ok_row_2020()
    write_2020(folder, [row[:4] + row[5:]], header=without)
    report = dry_run(folder, 2020)
    text = report.render()
    assert report.ok and "Verdict: OK" in text, text
    assert ("Warning: dimios_export_2020.csv: the optional column department (a column named "
            "'Enhet') is missing; the answers are left out of the results per department (the "
            "table maturity_by_department and the reports' “Resultat per förvaltning”).\n"
            ) in text
    assert "optional column email" not in text  # Epost is there, though empty
    assert "Verdict: OK - would load 1 respondent and 36 answers with profile " in text

    write_2020(folder, [row])
    complete = dry_run(folder, 2020).render()
    assert "Verdict: OK" in complete and "optional column" not in complete


def test_dry_run_names_the_header_a_missing_required_column_should_have(tmp_path):
    """Without Målgrupp the dry run rejects the file and says which header the 2020 profile
    expects for the target group (its alias), not only the role's name."""
    folder = tmp_path / "2020"
    column = HEAD_2020.index("Målgrupp")
    row = ok_row_2020()
    write_2020(folder, [row[:column] + row[column + 1:]],
               header=HEAD_2020[:column] + HEAD_2020[column + 1:])
    text = dry_run(folder, 2020).render()
    assert ("   MISSING required columns: target_group (a column named 'Målgrupp')\n") in text, text


def test_only_the_columns_with_declared_losses_may_be_optional(tmp_path):
    """required: false on a column without words for what is lost is a profile error."""
    profiles = custom_profile(tmp_path, "dimios_2020_csv",
                              {"columns": {"target_group": {"required": False}}})
    with pytest.raises(ProfileError, match=r"columns.target_group is always required"):
        load_profile("dimios_2020_csv", profiles)
