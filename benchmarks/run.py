"""The benchmark of issue 7: the pipeline against two hand-written baselines at three sizes.

Usage (from the checkout, with the project's virtual environment)::

    .venv/bin/python benchmarks/run.py --work /tmp/mognad-bench            # everything
    .venv/bin/python benchmarks/run.py --work /tmp/mognad-bench --sizes county x10 --runs 3
    .venv/bin/python benchmarks/run.py --report /tmp/mognad-bench/results.json  # table only

Not part of the test suite. What it does, per size (``county``: the bundled sample, 14
organisations x 3 years; ``x10``: 140 organisations; ``national``: 1,500 organisations x
about 66 respondents x 36 items x 3 years, about 3.6 million answers a year):

1. generates the landing area with ``python -m sample.generator`` (the
   county size is the bundled sample itself) into ``<work>/<size>/landing``;
2. makes a scratch copy of the project (``<work>/<size>/project``: the files of the
   checkout's HEAD commit, via ``git archive``, so half-finished work in the checkout
   is not measured) whose ``organisations.csv`` seed has the synthetic organisations
   appended; every process runs there with the checkout's Python
   and ``PYTHONPATH`` = the copy, so nothing in the checkout changes;
3. times whole processes, each from a fresh data root: the pipeline
   (``python -m pipelines.cli load --all``: ingest, GX checks, promotion, dbt build, publish
   for each year), the DuckDB baseline and the pandas baseline
   (``benchmarks/baselines/``); ``--runs`` times each (``--national-runs`` at national
   scale), the median is reported;
4. at the county size, the pipeline's fixed cost: importing the Dagster definitions
   (start-up), ``dbt parse``, and one "empty-ish" run (one year holding one respondent
   per organisation, 14 in all);
5. at national scale, loading one new year (2021, generated with the same options) into the
   warehouse the last national run left behind (``load 2021``).

Measured for every process: wall time, CPU time (user + system of the process and all its
waited-for children, from ``getrusage(RUSAGE_CHILDREN)``), and peak memory as the largest
sum of resident set sizes over the process tree (sampled every 0.2 s from ``/proc``; dbt
runs as a child of the Dagster process). Results go to ``<work>/results.json``; the
Markdown table printed at the end is what ``docs/benchmarks.md`` quotes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SECRET = "benchmark-pseudonym-key-0123456789"

SIZES: dict[str, dict] = {
    "county": {"organisations": 0, "respondents_mean": None, "label": "county (14 org.)"},
    "x10": {"organisations": 126, "respondents_mean": None, "label": "x10 (140 org.)"},
    "national": {"organisations": 1486, "respondents_mean": 66.0,
                 "label": "national (1,500 org.)"},
}
YEARS = (2018, 2019, 2020)
NEW_YEAR = 2021


# --- measuring one process -------------------------------------------------------------


def _pss(pid: int) -> int:
    """Proportional set size (bytes) of ``pid`` from /proc/<pid>/smaps_rollup (0 if gone):
    pages shared with other processes (e.g. a forked child and its parent) count once in
    the sum over a tree, unlike RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _tree_rss(root_pid: int) -> tuple[int, int]:
    """Sums of VmRSS and of PSS (bytes) of ``root_pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read()
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
            with open(f"/proc/{pid}/statm", "rb") as fh:
                rss[pid] = int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, pss, todo = 0, 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        pss += _pss(pid)
        todo.extend(children.get(pid, []))
    return total, pss


def measure(cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> dict:
    """Run ``cmd`` to completion; return wall_s, cpu_s, peak_tree_rss_mb (largest sum of RSS
    over the process tree), peak_tree_pss_mb (the same with PSS: shared pages counted once),
    max_rss_mb (largest single process, from rusage), returncode. Output goes to ``log``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = peak_pss = 0
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss
            while not done.is_set():
                rss, pss = _tree_rss(proc.pid)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = proc.wait()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
            "peak_tree_rss_mb": round(peak / 2**20), "peak_tree_pss_mb": round(peak_pss / 2**20),
            "max_rss_mb": round(after.ru_maxrss / 1024), "returncode": returncode}


def median_of(runs: list[dict]) -> dict:
    """Median of each measure over the runs (all runs must have succeeded)."""
    keys = ("wall_s", "cpu_s", "peak_tree_rss_mb", "peak_tree_pss_mb")
    return {k: round(statistics.median(r.get(k, float("nan")) for r in runs), 2) for k in keys
            } | {"runs": len(runs)}


# --- preparing a size ------------------------------------------------------------------------


def _env(project: Path, data: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(project), "MOGNAD_PSEUDONYM_KEY": SECRET,
           "GX_ANALYTICS_ENABLED": "false", "DAGSTER_DISABLE_TELEMETRY": "1"}
    if data is not None:
        env["MOGNAD_DATA_DIR"] = str(data)
        env["DAGSTER_HOME"] = str(data / "dagster_home")
    return env


def prepare(size: str, work: Path, seed: int, known: dict | None = None) -> dict:
    """Landing area and scratch projects of one size; returns facts about them (``known``:
    facts of an earlier call, kept instead of counting the answers again)."""
    cfg = SIZES[size]
    base = work / size
    landing, project = base / "landing", base / "project"
    facts: dict = dict(known or {})
    if not landing.exists():
        if size == "county":
            shutil.copytree(ROOT / "sample" / "landing", landing)
        else:
            cmd = [PYTHON, "-m", "sample.generator", "--out", str(landing),
                   "--seed", str(seed), "--organisations", str(cfg["organisations"])]
            if cfg["respondents_mean"]:
                cmd += ["--respondents-mean", str(cfg["respondents_mean"])]
            base.mkdir(parents=True, exist_ok=True)
            facts["generate"] = measure(cmd, cwd=ROOT, env=_env(ROOT), log=base / "generate.log")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    for copy in (project, base / "project_core"):
        marker = copy / ".benchmark_commit"
        if copy.exists() and marker.exists() and marker.read_text().strip() == head:
            continue
        if copy.exists():  # a copy of another commit: measure HEAD, not what was there
            shutil.rmtree(copy)
        export_commit(copy)
        marker.write_text(head + "\n")
        register = landing / "synthetic_organisations.csv"
        if register.exists():
            with register.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.reader(fh))[1:]
            seed_file = copy / "dbt_project" / "seeds" / "organisations.csv"
            text = seed_file.read_text(encoding="utf-8")
            if not text.endswith("\n"):
                text += "\n"
            buf = [",".join(r) for r in rows]
            seed_file.write_text(text + "\n".join(buf) + "\n", encoding="utf-8")
        if copy.name == "project_core":
            disable_reports(copy)
    if "answers" not in facts:
        facts.update(count_answers(landing))
    return facts


def export_commit(target: Path, commit: str = "HEAD") -> None:
    """Write the files of ``commit`` (not the working tree, which others may be editing)
    to ``target`` with ``git archive``."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


REPORTS_CALL = "    build_reports(snapshot_dir, previous=previous, beside=tables_and_council)\n"


def disable_reports(project: Path) -> None:
    """In a scratch copy only: publish without the Swedish HTML pages and slide decks
    (``build_reports``); tables, DuckDB copy, manifest, the workbook, the handlingsplan
    templates and the quality report stay (``tables_and_council``, which ``build_reports``
    calls when the organisations' files are done, is called in its place). The
    reports draw one matplotlib chart and one python-pptx deck per organisation and a
    county chart with one bar per organisation, so at national scale they dominate every
    load (see docs/benchmarks.md); the "core" variant measures everything else."""
    assets = project / "pipelines" / "publish" / "assets.py"
    text = assets.read_text(encoding="utf-8")
    if REPORTS_CALL not in text:
        raise RuntimeError(f"cannot find the build_reports call in {assets}")
    assets.write_text(text.replace(REPORTS_CALL, "    tables_and_council()  # benchmark core variant: "
                                                 "no reports\n"),
                      encoding="utf-8")


def count_answers(landing: Path) -> dict:
    """Respondents and answers in the landing area, counted from the invitations-free
    exports' row counts times the items per row (header columns F01...)."""
    respondents = answers = 0
    for year_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        for f in year_dir.iterdir():
            if f.suffix == ".csv" and f.name != "invitations.csv":
                enc = "cp1252" if year_dir.name == "2018" else "utf-8-sig"
                with f.open(encoding=enc, newline="") as fh:
                    reader = csv.reader(fh, delimiter=";" if year_dir.name == "2018" else ",")
                    header = next(reader)
                    n = sum(1 for _ in reader)
            elif f.suffix == ".xlsx":
                import openpyxl

                wb = openpyxl.load_workbook(f, read_only=True)
                ws = wb["Svar"]
                rows = ws.iter_rows(values_only=True)
                next(rows)
                header = [str(c) for c in next(rows)]
                n = sum(1 for _ in rows)
                wb.close()
            else:
                continue
            items = sum(1 for h in header if h.startswith("F") and h[1:].isdigit())
            respondents += n
            answers += n * items
    return {"respondents": respondents, "answers": answers}


# --- the measurements ----------------------------------------------------------------------


def fresh_data(base: Path, name: str, landing: Path, years: tuple[int, ...]) -> Path:
    data = base / "runs" / name
    if data.exists():
        shutil.rmtree(data)
    # a copy of an earlier run's warehouse kept for the new-year measurement is stale now
    for stale in data.parent.glob(f"{name}.before-*"):
        shutil.rmtree(stale)
    (data / "landing").mkdir(parents=True)
    for y in years:
        shutil.copytree(landing / str(y), data / "landing" / str(y))
    return data


def run_pipeline(size: str, work: Path, runs: int, variant: str = "pipeline") -> list[dict]:
    """``variant``: ``pipeline`` (the checkout as it is) or ``pipeline_core`` (the copy
    without reports, :func:`disable_reports`)."""
    base = work / size
    project = base / ("project" if variant == "pipeline" else "project_core")
    out = []
    for i in range(runs):
        data = fresh_data(base, f"{variant}-{i}", base / "landing", YEARS)
        m = measure([PYTHON, "-m", "pipelines.cli", "load", "--all"], cwd=project,
                    env=_env(project, data), log=base / f"{variant}-{i}.log")
        m["dbt"] = dbt_timings(project)
        out.append(m)
        print(f"  {variant} {size} run {i + 1}: {m}", flush=True)
    return out


def run_baseline(kind: str, size: str, work: Path, runs: int) -> list[dict]:
    base, project = work / size, work / size / "project"
    script = project / "benchmarks" / "baselines" / f"{kind}_baseline.py"
    out = []
    for i in range(runs):
        target = base / f"{kind}-result.parquet"
        m = measure([PYTHON, str(script), "--landing", str(base / "landing"),
                     "--seeds", str(project / "dbt_project" / "seeds"), "--out", str(target)],
                    cwd=project, env=_env(project), log=base / f"{kind}-{i}.log")
        out.append(m)
        print(f"  {kind} {size} run {i + 1}: {m}", flush=True)
    return out


def fixed_costs(work: Path, runs: int) -> dict:
    """Start-up (import of the definitions), dbt parse, and one empty-ish yearly run."""
    base, project = work / "county", work / "county" / "project"
    result: dict[str, list[dict]] = {"startup": [], "dbt_parse": [], "tiny_year": []}
    tiny = base / "tiny_landing" / "2020"
    if not tiny.exists():
        # the first respondent of each organisation (the blocking checks want every
        # organisation of the register present): 14 respondents, 504 answers
        tiny.mkdir(parents=True)
        src = base / "landing" / "2020"
        header, *lines = (src / "dimios_export_2020.csv").read_bytes().split(b"\n")
        first: dict[bytes, bytes] = {}
        for line in lines:
            if line.strip():
                first.setdefault(line.split(b",")[2], line)
        (tiny / "dimios_export_2020.csv").write_bytes(
            b"\n".join([header, *first.values()]) + b"\n")
        shutil.copy(src / "profile.txt", tiny / "profile.txt")
    for i in range(runs):
        data = base / "runs" / "fixed"
        if data.exists():
            shutil.rmtree(data)
        data.mkdir(parents=True)
        env = _env(project, data)
        result["dbt_parse"].append(measure(
            [PYTHON, "-c", "from pipelines.transform.project import ensure_manifest; "
                           "ensure_manifest()"], cwd=project, env=env, log=base / "parse.log"))
        result["startup"].append(measure(
            [PYTHON, "-c", "import pipelines.definitions"], cwd=project, env=env,
            log=base / "startup.log"))
        shutil.copytree(tiny, data / "landing" / "2020")
        result["tiny_year"].append(measure(
            [PYTHON, "-m", "pipelines.cli", "load", "2020"], cwd=project, env=env,
            log=base / "tiny.log"))
        print(f"  fixed run {i + 1}: " + ", ".join(f"{k} {v[-1]}" for k, v in result.items()),
              flush=True)
    return result


def new_year(work: Path, seed: int) -> dict:
    """Load 2021 at national scale into the warehouse of the last national pipeline run."""
    base, project = work / "national", work / "national" / "project_core"
    cfg = SIZES["national"]
    extra = base / "landing_2021"
    if not extra.exists():
        measure([PYTHON, "-m", "sample.generator", "--out", str(extra),
                 "--seed", str(seed), "--years", str(NEW_YEAR), "--organisations",
                 str(cfg["organisations"]), "--respondents-mean", str(cfg["respondents_mean"])],
                cwd=ROOT, env=_env(ROOT), log=base / "generate-2021.log")
    runs = sorted(p for p in (base / "runs").glob("pipeline_core-*") if "." not in p.name)
    data = runs[-1]
    # Keep the warehouse as it was before the new year, so that the measurement can be
    # repeated (``--skip pipeline_core``) without loading the three years again.
    before = data.with_name(f"{data.name}.before-{NEW_YEAR}")
    if before.exists():
        shutil.rmtree(data)
        shutil.copytree(before, data, symlinks=True)
    else:
        shutil.copytree(data, before, symlinks=True)
    target = data / "landing" / str(NEW_YEAR)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(extra / str(NEW_YEAR), target)
    m = measure([PYTHON, "-m", "pipelines.cli", "load", str(NEW_YEAR)], cwd=project,
                env=_env(project, data), log=base / "new-year.log")
    m.update(count_answers(extra))
    m["dbt"] = dbt_timings(project)
    print(f"  new year: {m}", flush=True)
    return m


def dbt_timings(project: Path) -> dict:
    """Seconds of the newest dagster-dbt build in ``project`` (its run_results.json): total
    per resource type and the ten slowest nodes."""
    found = sorted((project / "dbt_project" / "target").glob("mognad_dbt_models-*/run_results.json"),
                   key=lambda p: p.stat().st_mtime)
    if not found:
        return {}
    results = json.loads(found[-1].read_text(encoding="utf-8"))
    by_type: dict[str, float] = {}
    for r in results["results"]:
        kind = r["unique_id"].split(".")[0]
        by_type[kind] = round(by_type.get(kind, 0.0) + r["execution_time"], 2)
    slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:10]
    return {"elapsed_s": round(results.get("elapsed_time", 0.0), 2), "by_type": by_type,
            "slowest": {r["unique_id"]: round(r["execution_time"], 2) for r in slowest},
            "args": results.get("args", {}).get("vars")}


# --- report ----------------------------------------------------------------------------


def machine() -> dict:
    def sh(cmd: str) -> str:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()

    import duckdb

    return {
        "nproc": sh("nproc"), "free_h": sh("free -h"), "python": platform.python_version(),
        "duckdb": duckdb.__version__, "dbt": sh(f"{Path(PYTHON).parent / 'dbt'} --version"
                                               " | head -3"),
        "loadavg_start": os.getloadavg(), "when": dt.datetime.now(dt.UTC).isoformat(),
        "commit": sh(f"git -C {ROOT} rev-parse --short HEAD"),
    }


def report(results: dict) -> str:
    """Markdown tables of the medians and the target ratios."""
    lines = ["| size | answers | process | wall s | CPU s | peak MB (tree RSS) | peak MB (tree PSS) "
             "| runs |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for size, res in results["sizes"].items():
        for kind in ("pipeline", "pipeline_core", "duckdb", "pandas"):
            if kind not in res:
                continue
            m = median_of(res[kind])
            lines.append(f"| {SIZES[size]['label']} | {res['facts']['answers']:,} | {kind} | "
                         f"{m['wall_s']} | {m['cpu_s']} | {m['peak_tree_rss_mb']} | {m['peak_tree_pss_mb']} | "
                         f"{m['runs']} |")
    text = "\n".join(lines)
    if "fixed" in results:
        text += "\n\n| fixed cost (county project) | wall s | CPU s | peak MB (RSS) | peak MB (PSS) "
        text += "| runs |\n|---|---:|---:|---:|---:|---:|\n"
        for k, runs in results["fixed"].items():
            m = median_of(runs)
            text += (f"| {k} | {m['wall_s']} | {m['cpu_s']} | {m['peak_tree_rss_mb']} | "
                     f"{m['peak_tree_pss_mb']} | {m['runs']} |\n")
    sizes = results["sizes"]
    if "county" in sizes and "national" in sizes:
        da = sizes["national"]["facts"]["answers"] - sizes["county"]["facts"]["answers"]
        text += "\n| per-answer cost (national - county) | µs per answer |\n|---|---:|\n"
        for kind in ("pipeline", "pipeline_core", "duckdb", "pandas"):
            if kind in sizes["national"] and kind in sizes["county"]:
                dt_ = (median_of(sizes["national"][kind])["wall_s"]
                       - median_of(sizes["county"][kind])["wall_s"])
                text += f"| {kind} | {1e6 * dt_ / da:.2f} |\n"
    if "new_year" in results:
        m = results["new_year"]
        text += (f"\nNew year at national scale ({m['answers']:,} answers) into the existing "
                 f"warehouse: wall {m['wall_s']} s, CPU {m['cpu_s']} s, peak "
                 f"{m['peak_tree_rss_mb']} MB (RSS sum), {m.get('peak_tree_pss_mb')} MB (PSS sum)."
                 f"\n")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark of issue 7 (see the docstring).")
    parser.add_argument("--work", type=Path, help="scratch folder (large at national scale)")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--national-runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["pipeline", "pipeline_core", "duckdb", "pandas", "fixed",
                                 "new_year"])
    parser.add_argument("--national-reports", action="store_true",
                        help="also run the full pipeline (with reports) at national scale")
    parser.add_argument("--report", type=Path, help="print the tables of a results.json")
    args = parser.parse_args()
    if args.report:
        print(report(json.loads(args.report.read_text(encoding="utf-8"))))
        return
    if args.work is None:
        parser.error("--work is required")
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results_path = work / "results.json"
    results = (json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists()
               else {"sizes": {}})
    results["machine"] = machine()

    def save() -> None:
        results_path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")

    for size in args.sizes:
        print(f"== {size}", flush=True)
        res = results["sizes"].setdefault(size, {})
        res["facts"] = prepare(size, work, args.seed, res.get("facts"))
        save()
        runs = args.national_runs if size == "national" else args.runs
        for kind in ("duckdb", "pandas"):
            if kind not in args.skip:
                res[kind] = run_baseline(kind, size, work, runs)
                save()
        for variant in ("pipeline_core", "pipeline"):
            if variant in args.skip or (variant == "pipeline" and size == "national"
                                        and not args.national_reports):
                continue
            res[variant] = run_pipeline(size, work, runs, variant)
            save()
        if size == "county" and "fixed" not in args.skip:
            results["fixed"] = fixed_costs(work, args.runs)
            save()
        if (size == "national" and "new_year" not in args.skip
                and any((work / size / "runs").glob("pipeline_core-*"))):
            results["new_year"] = new_year(work, args.seed)
            save()
    results["machine"]["loadavg_end"] = os.getloadavg()
    save()
    print(report(results))


if __name__ == "__main__":
    main()
