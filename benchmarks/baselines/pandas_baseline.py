"""Baseline 2 (issue 7): ``maturity_by_organisation`` from the raw export files with plain
pandas, the way an analyst would write it in a notebook.

Usage::

    python benchmarks/baselines/pandas_baseline.py --landing LANDING --seeds SEEDS --out OUT.parquet

Reads ``LANDING/<year>/`` in the sample's formats (``sample/README.md``): 2018 Windows-1252
``;`` CSV, 2019 XLSX (sheet ``Svar``, second row = column names), 2020 onwards UTF-8 ``,``
CSV. Every cell is read as text (``dtype=str``, ``keep_default_na=False``: the text ``NA``
stays text). Scoring: domain doc "The scoring method" steps 1-5, written independently of
the dbt models and of the DuckDB baseline:

* item_score = 100 * (x' - min) / (max - min), x' reverse coded where the codebook says;
  "vet ej" and blanks carry no score;
* a respondent's category score = mean of their answered items' scores, kept when they
  answered at least half of the category's items (``MIN_ANSWERED_SHARE``);
* category index = mean of the kept scores; dimension index = mean of its category
  indices (none unless all exist); maturity index = mean of the two dimension indices.

Duplicates: one identity (normalised e-mail, else respondent id) per year, latest
submission kept (ties: the later row). Output columns: ``organisation_code, survey_year,
respondents, capability_index, legacy_index, maturity_index`` (0-100).
Raises ValueError naming unmatched organisations, target groups or answer values.
"""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path

import pandas as pd

MIN_ANSWERED_SHARE = 0.5

TARGET_GROUPS = {
    "Förtroendevald": "fortroendevalda", "Förtroendevalda": "fortroendevalda",
    "Kommunledning": "kommunledning", "Förvaltningsledning": "forvaltningsledning",
    "Strateg/verksamhetsutvecklare": "strateger", "Strateger": "strateger",
    "Systemansvarig": "systemansvariga", "Systemansvariga": "systemansvariga",
}
ANSWERS = {  # per format: normalised text -> value (None = "vet ej")
    "2018": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "vet ej": None},
    "2019": {"instämmer inte alls": 1, "instämmer till liten del": 2, "instämmer delvis": 3,
             "instämmer till stor del": 4, "instämmer helt": 5, "vet ej": None},
    "2020": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "99": None},
}


def norm(s: pd.Series) -> pd.Series:
    """NFC, collapse whitespace, trim, lower case (the contract's matching rule)."""
    s = s.fillna("").astype(str).map(lambda v: unicodedata.normalize("NFC", v))
    return s.str.replace(r"\s+", " ", regex=True).str.strip().str.lower()


def read_year(folder: Path, year: int) -> pd.DataFrame:
    """One year's exports in one shape: respondent, email, submitted_at, organisation,
    target_group, fmt, F01…Fnn (text)."""
    frames = []
    if year == 2019:
        for path in sorted(folder.glob("*.xlsx")):
            df = pd.read_excel(path, sheet_name="Svar", header=1, dtype=str,
                               keep_default_na=False, na_filter=False)
            df = df.rename(columns={"Respondent": "respondent", "E-post": "email",
                                    "Inskickad": "submitted_at",
                                    "Organisation": "organisation",
                                    "Respondentgrupp": "target_group"})
            frames.append(df.assign(fmt="2019"))
    else:
        for path in sorted(p for p in folder.glob("*.csv") if p.name != "invitations.csv"):
            if year == 2018:
                df = pd.read_csv(path, sep=";", quotechar='"', encoding="cp1252", dtype=str,
                                 keep_default_na=False, na_filter=False)
                df = df.rename(columns={"Respondent": "respondent", "E-post": "email",
                                        "Inskickad": "submitted_at",
                                        "Organisation": "organisation",
                                        "Respondentgrupp": "target_group"})
                frames.append(df.assign(fmt="2018"))
            else:
                df = pd.read_csv(path, sep=",", quotechar='"', encoding="utf-8-sig",
                                 dtype=str, keep_default_na=False, na_filter=False)
                df = df.rename(columns={"RespondentID": "respondent", "Epost": "email",
                                        "Skickad": "submitted_at",
                                        "Kommunkod": "organisation",
                                        "Målgrupp": "target_group"})
                frames.append(df.assign(fmt="2020"))
    out = pd.concat(frames, ignore_index=True)
    out["survey_year"] = year
    out["row"] = range(len(out))
    return out


def run(landing: Path, seeds: Path, out: Path) -> pd.DataFrame:
    """Compute the baseline table for every ``landing/<year>/``, write ``out`` (Parquet)
    and return it."""
    seeds = Path(seeds)
    codebook = pd.read_csv(seeds / "instrument_items.csv", dtype=str, keep_default_na=False)
    codebook["sort_order"] = codebook["sort_order"].astype(int)
    codebook["scale_min"] = codebook["scale_min"].astype(int)
    codebook["scale_max"] = codebook["scale_max"].astype(int)
    codebook["reverse_coded"] = codebook["reverse_coded"].map({"true": True, "false": False})
    codebook = codebook.sort_values(["instrument_version", "sort_order"])
    codebook["item_column"] = (codebook.groupby("instrument_version").cumcount() + 1).map(
        lambda n: f"F{n:02d}")
    orgs = pd.read_csv(seeds / "organisations.csv", dtype=str, keep_default_na=False)
    aliases = pd.read_csv(seeds / "organisation_aliases.csv", dtype=str, keep_default_na=False)
    keys = pd.concat([
        pd.DataFrame({"k": norm(orgs[c]), "organisation_code": orgs["organisation_code"]})
        for c in ("organisation_code", "organisation_name", "short_name")
    ] + [pd.DataFrame({"k": norm(aliases["alias"]),
                       "organisation_code": aliases["organisation_code"]})]).drop_duplicates()
    org_of = dict(zip(keys["k"], keys["organisation_code"], strict=True))
    tg_of = {norm(pd.Series([k]))[0]: v for k, v in TARGET_GROUPS.items()}

    landing = Path(landing)
    years = sorted(int(p.name) for p in landing.iterdir() if p.is_dir() and p.name.isdigit())
    results = []
    for year in years:
        wide = read_year(landing / str(year), year)
        version = "v2018" if year < 2020 else "v2020"
        # duplicates: latest submission per identity
        email = norm(wide["email"])
        wide["identity"] = email.where(email != "", "id|" + norm(wide["respondent"]))
        wide["ts"] = pd.to_datetime(wide["submitted_at"].str.replace("T", " "),
                                    format="mixed", errors="coerce")
        wide = (wide.sort_values(["ts", "row"], na_position="first")
                .drop_duplicates("identity", keep="last"))
        wide["organisation_code"] = norm(wide["organisation"]).map(org_of)
        wide["target_group"] = norm(wide["target_group"]).map(tg_of)
        if wide["organisation_code"].isna().any():
            bad = sorted(wide.loc[wide["organisation_code"].isna(), "organisation"].unique())
            raise ValueError(f"{year}: unmatched organisations {bad}")
        if wide["target_group"].isna().any():
            raise ValueError(f"{year}: unmatched target groups")
        items = codebook[codebook["instrument_version"] == version]
        long = wide.melt(id_vars=["identity", "organisation_code", "fmt"],
                         value_vars=list(items["item_column"]),
                         var_name="item_column", value_name="raw")
        long["key"] = norm(long["raw"])
        long = long.merge(items, on="item_column", how="left")
        mapping = pd.concat([pd.DataFrame({"fmt": f, "key": list(m), "value": list(m.values())})
                             for f, m in ANSWERS.items()])
        long = long.merge(mapping, on=["fmt", "key"], how="left", indicator=True)
        unmapped = long[(long["_merge"] == "left_only") & (long["key"] != "")]
        if len(unmapped):
            raise ValueError(f"{year}: unmapped answer values {sorted(unmapped['key'].unique())}")
        value = long["value"].astype("float64")
        recoded = value.where(~long["reverse_coded"],
                              long["scale_min"] + long["scale_max"] - value)
        long["item_score"] = 100.0 * (recoded - long["scale_min"]) / (
            long["scale_max"] - long["scale_min"])

        sizes = items.groupby("category_code").size().rename("items_in_category")
        resp_cat = (long.groupby(["organisation_code", "identity", "dimension_code",
                                  "category_code"])["item_score"]
                    .agg(["mean", "count"]).reset_index()
                    .join(sizes, on="category_code"))
        resp_cat["category_score"] = resp_cat["mean"].where(
            resp_cat["count"] >= MIN_ANSWERED_SHARE * resp_cat["items_in_category"])
        cat_index = (resp_cat.groupby(["organisation_code", "dimension_code", "category_code"])
                     ["category_score"].mean().reset_index())
        dim = cat_index.groupby(["organisation_code", "dimension_code"])["category_score"]
        dim_index = (dim.mean().where(dim.count() == dim.size())
                     .unstack("dimension_code"))
        table = pd.DataFrame({
            "organisation_code": dim_index.index,
            "survey_year": year,
            "respondents": wide.groupby("organisation_code").size()
                               .reindex(dim_index.index).to_numpy(),
            "capability_index": dim_index["capability"].to_numpy(),
            "legacy_index": dim_index["legacy"].to_numpy(),
        })
        table["maturity_index"] = (table["capability_index"] + table["legacy_index"]) / 2
        results.append(table)
    result = pd.concat(results, ignore_index=True).sort_values(
        ["survey_year", "organisation_code"], ignore_index=True)
    result.to_parquet(out, index=False)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--seeds", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    run(args.landing, args.seeds, args.out)
    print(args.out)


if __name__ == "__main__":
    main()
