"""Baseline 1 (issue 7): ``maturity_by_organisation`` from the raw export files with one
hand-written DuckDB SQL script (``maturity_duckdb.sql``).

Usage::

    python benchmarks/baselines/duckdb_baseline.py --landing LANDING --seeds SEEDS --out OUT.parquet

``LANDING`` holds ``<year>/`` folders as the sample does: 2018 a Windows-1252 ``;`` CSV,
2019 an XLSX workbook (sheet ``Svar``, two header rows), 2020 onwards a UTF-8 ``,`` CSV
(the formats of ``sample/README.md``). The only Python work is finding the files,
transcoding the Windows-1252 CSV to UTF-8 and saving each XLSX sheet as CSV (DuckDB 2.0
reads those only through the ``encodings`` and ``excel`` extensions, which cannot be
installed offline; openpyxl in read-only mode streams the sheet), and filling the file
lists into the script. Output: one row per organisation and year with ``organisation_code,
survey_year, respondents, capability_index, legacy_index, maturity_index`` (0-100).
Raises duckdb errors when an organisation, target group or answer value does not map.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import duckdb

SQL_FILE = Path(__file__).with_name("maturity_duckdb.sql")


def xlsx_to_csv(xlsx: Path, out_csv: Path, sheet: str = "Svar", header_rows: int = 2) -> None:
    """Save ``sheet`` of ``xlsx`` as UTF-8 CSV, keeping only the last header row (the column
    names; the question row above it is dropped). Dates become ``YYYY-MM-DD HH:MM:SS``."""
    import openpyxl

    wb = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    try:
        ws = wb[sheet]
        with out_csv.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
                if n < header_rows:
                    continue
                writer.writerow(
                    ["" if v is None else v.strftime("%Y-%m-%d %H:%M:%S")
                     if isinstance(v, dt.datetime) else v for v in row]
                )
    finally:
        wb.close()


def transcode(source: Path, target: Path, encoding: str) -> None:
    """Write ``source`` (text in ``encoding``, decoded strictly) to ``target`` as UTF-8,
    in 1 MiB pieces."""
    with source.open("r", encoding=encoding, errors="strict", newline="") as src, \
            target.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _list_literal(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def run(landing: Path, seeds: Path, out: Path, threads: int | None = None) -> Path:
    """Compute the baseline table for every ``landing/<year>/`` and write ``out`` (Parquet).

    Raises ValueError when one of the three formats has no file (the script reads all
    three), duckdb.Error when the inputs do not map.
    """
    landing = Path(landing)
    years = sorted(int(p.name) for p in landing.iterdir() if p.is_dir() and p.name.isdigit())
    files: dict[str, list[Path]] = {"2018": [], "2019": [], "2020": []}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="baseline_xlsx_") as tmp:
        for year in years:
            folder = landing / str(year)
            if year == 2019:
                for x in sorted(folder.glob("*.xlsx")):
                    target = Path(tmp) / str(year) / (x.stem + ".csv")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    xlsx_to_csv(x, target)
                    files["2019"].append(target)
            else:
                exports = sorted(p for p in folder.glob("*.csv") if p.name != "invitations.csv")
                if year == 2018:
                    for x in exports:
                        target = Path(tmp) / str(year) / x.name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        transcode(x, target, "cp1252")
                        files["2018"].append(target)
                else:
                    files["2020"].extend(exports)
        missing = [k for k, v in files.items() if not v]
        if missing:
            raise ValueError(f"no export files in the {', '.join(missing)} format under {landing}")
        sql = SQL_FILE.read_text(encoding="utf-8")
        for key, value in {"{seeds}": str(Path(seeds)), "{out}": str(out),
                           "{files_2018}": _list_literal(files["2018"]),
                           "{files_2019}": _list_literal(files["2019"]),
                           "{files_2020}": _list_literal(files["2020"])}.items():
            sql = sql.replace(key, value)
        converted = time.perf_counter()
        con = duckdb.connect()
        try:
            if threads:
                con.execute(f"set threads = {int(threads)}")
            con.execute(sql)
        finally:
            con.close()
    # phases on stderr, for the benchmark's notes: file conversion in Python vs the SQL
    print(f"phases: convert {converted - started:.1f} s, sql {time.perf_counter() - converted:.1f} s",
          file=sys.stderr)
    return Path(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    print(run(args.landing, args.seeds, args.out, args.threads))


if __name__ == "__main__":
    main()
