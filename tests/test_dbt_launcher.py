"""The dbt launcher that dagster-dbt's resource runs (pipelines/transform/dbt_launcher.py):
its ``--version`` reports what ``dbt --version`` reports, and every other command line is
dbt's, with the same output and exit code, from any working directory."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipelines.settings import DBT_PROJECT_DIR, executable
from pipelines.transform.dbt_launcher import LAUNCHER


def _program(name: str) -> str:
    path = executable(name)
    if not Path(path).is_absolute():
        pytest.fail(f"{name} is not installed in this environment: run 'bash scripts/setup.sh'")
    return path


def _run(program: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([_program(program), *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _versions(text: str) -> dict[str, str]:
    """``{"core": ..., <plugin>: ...}`` from the text of a ``--version``."""
    core = re.search(r"^\s*- installed:\s*(\S+)", text, re.MULTILINE).group(1)
    plugins_part = text.split("Plugins:", 1)[1]
    plugins = dict(re.findall(r"^\s*- (\w+):\s*([0-9][^\s]*)", plugins_part, re.MULTILINE))
    return {"core": core, **plugins}


def test_version_is_the_one_dbt_reports(tmp_path):
    ours = _run(LAUNCHER, "--version", cwd=tmp_path)
    dbts = _run("dbt", "--version", cwd=tmp_path)  # dbt's own (it also asks PyPI; ignored)

    assert ours.returncode == 0 and dbts.returncode == 0
    assert _versions(ours.stdout) == _versions(dbts.stdout)
    assert set(_versions(ours.stdout)) == {"core", "duckdb"}
    # dagster-dbt reads the engine's version as the first x.y.z of the output
    assert re.search(r"(\d+\.\d+\.\d+)", ours.stdout).group(1) == _versions(dbts.stdout)["core"]
    assert "latest" not in ours.stdout  # no look-up of releases


def test_other_commands_are_dbts_own_with_arguments_unchanged(tmp_path):
    args = ("debug", "--config-dir", "--project-dir", str(DBT_PROJECT_DIR),
            "--profiles-dir", str(DBT_PROJECT_DIR))
    ours = _run(LAUNCHER, *args, cwd=tmp_path)
    dbts = _run("dbt", *args, cwd=tmp_path)

    def without_times(text: str) -> str:
        return re.sub(r"\d\d:\d\d:\d\d", "", text)

    assert ours.returncode == dbts.returncode == 0
    assert without_times(ours.stdout) == without_times(dbts.stdout)
    assert f"open {DBT_PROJECT_DIR}" in ours.stdout  # dbt read our --profiles-dir


def test_dbts_exit_code_and_errors_are_passed_on(tmp_path):
    missing = tmp_path / "no-such-project"
    ours = _run(LAUNCHER, "build", "--project-dir", str(missing), cwd=tmp_path)
    dbts = _run("dbt", "build", "--project-dir", str(missing), cwd=tmp_path)

    assert ours.returncode == dbts.returncode == 2
    assert ours.stderr == dbts.stderr
    assert f"Path '{missing}' does not exist" in ours.stderr
    assert "Usage: dbt build" in ours.stderr  # dbt's own program name in its usage line


def test_the_dbt_resource_runs_the_launcher(dbt_manifest):
    from pipelines.definitions import defs

    assert Path(defs.resources["dbt"].dbt_executable) == Path(_program(LAUNCHER))


def test_dbt_opens_the_data_roots_warehouse_from_any_folder(tmp_path, dbt_manifest):
    """The launcher runs dbt in ``$MOGNAD_DATA_DIR``, where the profile's relative warehouse
    path (and DuckDB's default temporary folder, ``<database>.tmp``) then lands; relative
    folders on the command line still mean the caller's."""
    import json
    import os
    import shutil

    root, elsewhere, target = tmp_path / "root", tmp_path / "elsewhere", tmp_path / "target"
    (root / "warehouse").mkdir(parents=True)
    elsewhere.mkdir()
    target.mkdir()
    shutil.copyfile(dbt_manifest.with_name("partial_parse.msgpack"),
                    target / "partial_parse.msgpack")
    project = os.path.relpath(DBT_PROJECT_DIR, elsewhere)
    done = subprocess.run(
        [_program(LAUNCHER), "show", "--inline",
         "select current_setting('temp_directory') as temp", "--output", "json",
         "--project-dir", project, f"--profiles-dir={project}", "--target-path", str(target),
         "--log-path", "logs"],
        capture_output=True, text=True, cwd=elsewhere, timeout=300,
        env={**os.environ, "MOGNAD_DATA_DIR": str(root), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    shown = json.loads(done.stdout[done.stdout.index("{"):done.stdout.rindex("}") + 1])
    temp = Path(shown["show"][0]["temp"])
    assert (root / temp if not temp.is_absolute() else temp) == (
        root / "warehouse" / "mognad.duckdb.tmp")
    assert (root / "warehouse" / "mognad.duckdb").is_file()
    assert not (elsewhere / "warehouse").exists()
    assert not (DBT_PROJECT_DIR / "warehouse").exists()
    assert (elsewhere / "logs" / "dbt.log").is_file()  # --log-path relative to the caller
    log = (elsewhere / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Unable to do partial parsing" not in log  # the checkout's parse state serves


def test_a_missing_data_root_is_an_error_before_dbt_starts(tmp_path):
    import os

    missing = tmp_path / "no-root"
    done = subprocess.run(
        [_program(LAUNCHER), "debug", "--project-dir", str(DBT_PROJECT_DIR)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env={**os.environ, "MOGNAD_DATA_DIR": str(missing)},
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"mognad-dbt: Datamappen {missing} finns inte (MOGNAD_DATA_DIR). dbt körs i "
        "datamappen, där profilen (dbt_project/profiles.yml) anger lagret som "
        "warehouse/mognad.duckdb.\n")
    assert not missing.exists() and not (tmp_path / "warehouse").exists()
