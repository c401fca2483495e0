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
  installed dbt-core declares, in this process, with the arguments unchanged and dbt's
  exit code as this program's. That is what the ``dbt`` script does; the version printed
  above is therefore always the version of the dbt that runs.

Only dagster-dbt's resource uses it (``pipelines.definitions``); the project's other dbt
commands (``dbt parse`` in ``pipelines.transform.project``) run ``dbt`` itself. This module
imports nothing of ``pipelines`` at module level, so that the launcher starts in a few
tens of milliseconds.
"""

from __future__ import annotations

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the launcher with ``argv`` (default: this process's arguments after the program
    name). Returns the exit code: 0 after printing the versions, else dbt's own (dbt
    exits through ``SystemExit``, which is passed on as it is)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        sys.stdout.write(version_text())
        return 0
    cli = dbt_entry_point().load()
    return cli(args=args, prog_name="dbt")


if __name__ == "__main__":
    sys.exit(main())
