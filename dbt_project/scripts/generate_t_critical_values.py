"""Generate ``seeds/t_critical_values.csv``: two-sided Student t critical values.

DuckDB has no inverse t distribution, so the confidence intervals of the marts look the
critical value up in this seed (domain doc, scoring method step 6).

Shape: one row per (confidence_level, df) for df = 1..MAX_DF, plus one row per level with
an empty ``df`` holding the normal-distribution limit z (df = infinity), which the models use
for df > MAX_DF. ``t_critical`` is the (1 + level) / 2 quantile, e.g. 1.959964 for 0.95.

Run from the repository root (needs scipy): ``.venv/bin/python dbt_project/scripts/generate_t_critical_values.py``
"""

import csv
from pathlib import Path

from scipy import stats

LEVELS = ("0.80", "0.90", "0.95", "0.99")
MAX_DF = 1000
OUT = Path(__file__).resolve().parents[1] / "seeds" / "t_critical_values.csv"


def main() -> None:
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["confidence_level", "df", "t_critical"])
        for level in LEVELS:
            q = (1 + float(level)) / 2
            for df in range(1, MAX_DF + 1):
                writer.writerow([level, df, f"{stats.t.ppf(q, df):.6f}"])
            writer.writerow([level, "", f"{stats.norm.ppf(q):.6f}"])


if __name__ == "__main__":
    main()
