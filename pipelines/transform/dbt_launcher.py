"""The program that dagster-dbt's ``DbtCliResource`` runs as dbt (its ``dbt_executable``).

dagster-dbt runs ``<dbt_executable> --version`` once per resource, in a process of its own,
before each step's first dbt command, only to read which dbt engine is installed (dbt Core
below 2, Fusion from 2). ``dbt --version`` imports dbt and asks PyPI for the latest
releases of dbt-core and of each adapter: about 1.5 s of CPU and 2-3 s of wall time per dbt
step, to print a version that the installed package metadata already holds.

This launcher, installed as the console script ``mognad-dbt`` (``pyproject.toml``), does
two things:

- ``mognad-dbt --version`` (that one argument, nothing else) prints the installed versions
  in dbt's own layout (``Core:`` / ``  - installed: 1.11.16`` / ``Plugins:`` /
  ``  - duckdb: 1.11.1``), read from the package metadata of this Python environment
  without importing dbt and without asking PyPI (so no "latest" lines);
- any other command line runs dbt itself: the ``dbt`` console-script entry point that the
  installed dbt-core declares, in this process, with dbt's exit code as this program's,
  with the data root (``$MOGNAD_DATA_DIR``) as its working directory
  (:func:`dbt_working_dir`). ``dbt_project/profiles.yml`` names the warehouse relative to
  it (``warehouse/mognad.duckdb``), so the profile is the same for every data root and dbt
  reuses a checkout's partial-parse state in each of them (dbt keeps the profile's
  connection info in that state and parses the whole project again when it differs). The
  arguments reach dbt unchanged except that a relative path given to one of
  :data:`PATH_OPTIONS` is made absolute against the caller's working directory, and the
  checkout's ``dbt_project`` is the project and profiles folder unless the command line or
  ``DBT_PROJECT_DIR`` / ``DBT_PROFILES_DIR`` name one. That is what the ``dbt`` script
  does otherwise; the version printed above is therefore always the version of the dbt
  that runs.

dagster-dbt's resource runs it (``pipelines.definitions``; it passes the project, profiles,
target and log folders as absolute paths in ``DBT_*`` variables), and it is the command for
a dbt run by hand (README). The step's ``dbt docs generate`` runs in the step's process in
the same working directory (``pipelines.transform.assets``); ``dbt parse``
(``pipelines.transform.project``) runs ``dbt`` itself, as parsing opens no connection.
This module imports nothing of ``pipelines`` at module level, so that the launcher starts
in a few tens of milliseconds.
"""

from __future__ import annotations

import atexit
import gc
import os
import re
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

LAUNCHER = "mognad-dbt"
"""Name of the console script that runs :func:`main` (``[project.scripts]``)."""

DBT_CORE = "dbt-core"
"""The distribution whose version ``dbt --version`` reports as "installed"."""

_ADAPTER_VERSION_FILE = "__version__.py"

PATH_OPTIONS = ("--project-dir", "--profiles-dir", "--log-path", "--state", "--defer-state")
"""dbt options whose relative value names a folder relative to the working directory: the
launcher makes such a value absolute before it changes into the data root."""

PATH_VARIABLES = ("DBT_PROJECT_DIR", "DBT_PROFILES_DIR", "DBT_LOG_PATH")
"""dbt's environment variables for the same folders, made absolute in the same way."""


def installed_plugins() -> list[tuple[str, str]]:
    """``[(plugin name, version)]`` of the installed dbt adapter plugins, sorted by name,
    e.g. ``[("duckdb", "1.11.1")]``.

    As dbt finds them (``dbt.version``): every package ``dbt/adapters/<name>/`` on
    ``sys.path`` that holds a ``__version__.py``; the version is that of the distribution
    ``dbt-<name>`` (read from its metadata, not by importing the adapter). A plugin folder
    without such a distribution is reported with the ``version = "..."`` its
    ``__version__.py`` declares."""
    found: dict[str, str] = {}
    for entry in sys.path:
        adapters = Path(entry or ".", "dbt", "adapters")
        if not adapters.is_dir():
            continue
        for version_file in sorted(adapters.glob(f"*/{_ADAPTER_VERSION_FILE}")):
            name = version_file.parent.name
            if name in found:
                continue
            try:
                found[name] = metadata.version(f"dbt-{name}")
            except metadata.PackageNotFoundError:
                declared = re.search(r"""version\s*=\s*["']([^"']+)["']""",
                                     version_file.read_text(encoding="utf-8"))
                if declared:
                    found[name] = declared.group(1)
    return sorted(found.items())


def version_text() -> str:
    """What ``mognad-dbt --version`` prints: the installed dbt-core and adapter versions in
    the layout of ``dbt --version``, without its comparison with the latest releases.
    Raises ``importlib.metadata.PackageNotFoundError`` when dbt-core is not installed."""
    lines = ["Core:", f"  - installed: {metadata.version(DBT_CORE)}", "", "Plugins:"]
    lines += [f"  - {name}: {version}" for name, version in installed_plugins()]
    return "\n".join(lines) + "\n"


def dbt_entry_point() -> metadata.EntryPoint:
    """The ``dbt`` console-script entry point that the installed dbt-core declares
    (``dbt.cli.main:cli``). Raises ``LookupError`` when dbt-core declares none."""
    for entry_point in metadata.distribution(DBT_CORE).entry_points:
        if entry_point.group == "console_scripts" and entry_point.name == "dbt":
            return entry_point
    raise LookupError(f"{DBT_CORE} declares no 'dbt' console script")


def resource_executable() -> str:
    """Absolute path of the program for ``DbtCliResource(dbt_executable=...)``: this
    installation's ``mognad-dbt`` (:func:`pipelines.settings.executable`). An environment
    set up before the launcher existed has no ``mognad-dbt`` until ``bash scripts/setup.sh``
    runs again; it gets this installation's ``dbt`` instead, which does the same work with
    dbt's slower ``--version``, and a warning that says so."""
    import warnings

    from pipelines.settings import executable

    launcher = executable(LAUNCHER)
    if Path(launcher).is_absolute():
        return launcher
    warnings.warn(
        f"{LAUNCHER} is not installed in this Python environment; dagster-dbt runs dbt "
        "directly (slower by dbt's start-up for 'dbt --version'). Run 'bash scripts/setup.sh'.",
        stacklevel=2,
    )
    return executable("dbt")


def dbt_working_dir() -> Path:
    """The folder every dbt command that connects runs in: the data root
    (:func:`pipelines.settings.data_dir`, which also exports it back to ``MOGNAD_DATA_DIR``
    as an absolute path). ``profiles.yml`` names the warehouse relative to it, and DuckDB's
    default temporary folder (``<database>.tmp``) is then ``warehouse/mognad.duckdb.tmp``
    under it too. Raises ``FileNotFoundError`` when the data root does not exist: dbt would
    otherwise open a warehouse relative to some other folder."""
    from pipelines.settings import data_dir

    root = data_dir()
    if not root.is_dir():
        raise FileNotFoundError(
            f"Datamappen {root} finns inte (MOGNAD_DATA_DIR). dbt körs i datamappen, där "
            "profilen (dbt_project/profiles.yml) anger lagret som warehouse/mognad.duckdb.")
    return root


def absolute_paths(args: Sequence[str], base: Path) -> list[str]:
    """``args`` with the relative value of each option in :data:`PATH_OPTIONS` (``--opt
    value`` or ``--opt=value``) made absolute against ``base``; everything else unchanged."""
    out = list(args)
    for i, arg in enumerate(out):
        name, eq, value = arg.partition("=")
        if name not in PATH_OPTIONS:
            continue
        if eq:
            if value and not Path(value).is_absolute():
                out[i] = f"{name}={base / value}"
        elif i + 1 < len(out) and not Path(out[i + 1]).is_absolute():
            out[i + 1] = str(base / out[i + 1])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the launcher with ``argv`` (default: this process's arguments after the program
    name). Returns the exit code: 0 after printing the versions, 2 with a message when the
    data root does not exist, else dbt's own (dbt exits through ``SystemExit``, which is
    passed on as it is)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        sys.stdout.write(version_text())
        return 0
    from pipelines.settings import DBT_PROJECT_DIR

    args = absolute_paths(args, Path.cwd())
    for variable in PATH_VARIABLES:
        value = os.environ.get(variable)
        if value and not Path(value).is_absolute():
            os.environ[variable] = str(Path.cwd() / value)
    for variable, option in (("DBT_PROJECT_DIR", "--project-dir"),
                             ("DBT_PROFILES_DIR", "--profiles-dir")):
        if not any(a == option or a.startswith(option + "=") for a in args):
            os.environ.setdefault(variable, str(DBT_PROJECT_DIR))
    try:
        os.chdir(dbt_working_dir())
    except FileNotFoundError as error:
        sys.stderr.write(f"mognad-dbt: {error}\n")
        return 2
    # As in `mognad` (pipelines.cli): at exit the interpreter's garbage collections would
    # walk every object dbt imported and made, only to free memory the operating system
    # takes back anyway; `gc.freeze` as an exit handler leaves them out.
    atexit.register(gc.freeze)
    cli = dbt_entry_point().load()
    return cli(args=args, prog_name="dbt")


if __name__ == "__main__":
    sys.exit(main())
