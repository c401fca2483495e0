"""The council's commands refuse without side effects and exit non-zero: ``mognad sign-off``
of a year that is not published leaves the Dagster instance's partitions and the sign-off log
as they were; ``mognad dry-run`` exits 1 on a REJECTED verdict and 0 on OK."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from pipelines.cli import main, prepare_instance_home
from pipelines.partitions import survey_years
from pipelines.settings import DataPaths
from pipelines.signoff import signoff_log_path

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "landing"


@pytest.fixture
def data_root(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "data"
    root.mkdir()
    monkeypatch.setenv("MOGNAD_DATA_DIR", str(root))
    monkeypatch.setenv("DAGSTER_HOME", str(root / "dagster_home"))
    return root


def _partitions(home: Path) -> list[str]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return sorted(instance.get_dynamic_partitions(survey_years.name))


def test_refused_sign_off_registers_no_partition(data_root):
    home = prepare_instance_home(DataPaths.current())
    with dg.DagsterInstance.from_config(str(home)) as instance:
        instance.add_dynamic_partitions(survey_years.name, ["2019"])
    before = sorted(p.name for p in data_root.iterdir())

    result = CliRunner().invoke(main, ["sign-off", "2021", "--by", "Anna Berg"])

    assert result.exit_code == 1, result.output
    assert "2021 är inte publicerat" in result.output
    assert "Ingenting har ändrats." in result.output
    assert _partitions(home) == ["2019"]
    assert not signoff_log_path(data_root).exists()
    assert sorted(p.name for p in data_root.iterdir()) == before  # no lock or log left


def test_dry_run_exit_code_follows_the_verdict(data_root):
    shutil.copytree(SAMPLE / "2018", data_root / "landing" / "2018")
    ok = CliRunner().invoke(main, ["dry-run", "2018"])
    assert ok.exit_code == 0, ok.output
    assert "Verdict: OK - would load 708 respondents" in ok.output

    # the 2018 files read as 2019: every submission is dated outside the year
    wrong_year = CliRunner().invoke(main, ["dry-run", "2019", "--folder",
                                           str(data_root / "landing" / "2018")])
    assert wrong_year.exit_code == 1, wrong_year.output
    assert "Verdict: REJECTED (MappingError)" in wrong_year.output
    assert "708 submissions dated outside 2019" in wrong_year.output

    missing = CliRunner().invoke(main, ["dry-run", "2031"])
    assert missing.exit_code == 1, missing.output
    assert "Verdict: REJECTED - Landing folder" in missing.output


def test_reload_message_names_a_sign_off_command_that_parses(data_root):
    """The reload that clears a sign-off tells the operator how to sign off again: the command
    with the required options --help lists, which click accepts as written (on a root where
    nothing is published it gets past parsing to the refusal, exit 1, not a usage error, 2)."""
    from pipelines.cli import _required_options, sign_off

    required = _required_options(sign_off)
    assert required == '--by "NAME, ROLE"'
    assert '--by "NAME, ROLE"' in CliRunner().invoke(main, ["sign-off", "--help"]).output
    result = CliRunner().invoke(main, ["sign-off", "2019", *shlex.split(required)])
    assert result.exit_code == 1, result.output
    assert "2019 är inte publicerat" in result.output
    missing = CliRunner().invoke(main, ["sign-off", "2019"])
    assert missing.exit_code == 2 and "Missing option '--by'" in missing.output
