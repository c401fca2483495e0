"""A tiny published snapshot built by hand for the report tests (imported by conftest.py).

Three organisations, two years (2019 final, 2020 preliminary), numbers chosen so the
expected text can be worked out on paper:

- Aneby (0604): 2020 maturity 52.3 = (capability 55.0 + legacy 49.6) / 2, where 55.0 is the
  mean of its capability categories (58.0, 47.5, 59.5) and 49.6 the mean of its legacy
  categories (40.2, 62.1, 46.5); 15 respondents of 20 invited (75 %); 2019 maturity 49.3.
- A hostile organisation (0617) named ``<script>alert(1)</script> kommun`` with short name
  ``=HYPERLINK("http://x.invalid","klicka")``, invited by link (response rate unknown).
- Region Jönköpings län (06): only 3 respondents in 2020 (below the disclosure threshold of
  5), maturity 71.7 that must never be shown; 2019 with 6 respondents.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

HOSTILE_NAME = "<script>alert(1)</script> kommun"
HOSTILE_SHORT = '=HYPERLINK("http://x.invalid","klicka")'

ORGANISATIONS = [
    ("0604", "Aneby kommun", "Aneby", "kommun", "06"),
    ("0617", HOSTILE_NAME, HOSTILE_SHORT, "kommun", "06"),
    ("06", "Region Jönköpings län", "Region Jönköpings län", "region", "06"),
]

# organisation_code, year, version, respondents, invited, rate,
# capability, legacy, maturity, maturity ci lower/upper, quadrant, change, change significant
ORG_YEARS = [
    ("0604", 2019, "v2018", 12, 30, 0.4, 48.1, 50.5, 49.3, 44.1, 54.5, "B", None, None),
    ("0604", 2020, "v2020", 15, 20, 0.75, 55.0, 49.6, 52.3, 47.0, 57.6, "C", 3.0, False),
    ("0617", 2019, "v2018", 8, None, None, 60.0, 62.0, 61.0, 55.0, 67.0, "D", None, None),
    ("0617", 2020, "v2020", 9, None, None, 62.4, 58.0, 60.2, 54.8, 65.6, "D", -0.8, False),
    ("06", 2019, "v2018", 6, 10, 0.6, 64.0, 69.2, 66.6, 60.0, 73.2, "D", None, None),
    ("06", 2020, "v2020", 3, 10, 0.3, 70.0, 73.4, 71.7, 60.1, 83.3, "D", 5.1, False),
]

CATEGORIES = [
    ("effektivitet", "capability", "Effektivitet"),
    ("innovation", "capability", "Innovation"),
    ("balansering", "capability", "Balansering"),
    ("organisation", "legacy", "Organisation"),
    ("anvandare", "legacy", "Användare"),
    ("teknik", "legacy", "Teknik"),
]

# category indices per (organisation, year), in CATEGORIES order
CATEGORY_INDICES = {
    ("0604", 2019): [47.0, 48.3, 49.0, 50.0, 51.0, 50.5],
    ("0604", 2020): [58.0, 47.5, 59.5, 40.2, 62.1, 46.5],
    ("0617", 2019): [60.0, 60.0, 60.0, 62.0, 62.0, 62.0],
    ("0617", 2020): [66.0, 60.0, 61.2, 55.0, 61.0, 58.0],
    ("06", 2019): [64.0, 64.0, 64.0, 69.2, 69.2, 69.2],
    ("06", 2020): [70.0, 70.0, 70.0, 73.4, 73.4, 73.4],
}

QUADRANTS = [
    ("A", "Typ A", "Låg förmåga", "Begränsande arv", "Initiativ fastnar och skalas inte upp."),
    ("B", "Typ B", "Låg förmåga", "Möjliggörande arv", "Grunden bär men förmågan behöver byggas."),
    (
        "C",
        "Typ C",
        "Hög förmåga",
        "Begränsande arv",
        "Idéer finns men arvet bromsar genomförandet.",
    ),
    (
        "D",
        "Typ D",
        "Hög förmåga",
        "Möjliggörande arv",
        "Organisationen fångar digitala möjligheter.",
    ),
]

ITEMS = [
    (
        "v2020",
        "EFF01",
        "Digitaliseringen är en tydlig del av vår strategiska planering.",
        "effektivitet",
    ),
    ("v2020", "INN02", "Vi delar öppna data med omvärlden.", "innovation"),
    ("v2020", "TEK01", "Våra system stöder det dagliga arbetet.", "teknik"),
]


def write_snapshot(snapshot_dir: Path, *, with_optional: bool = True) -> Path:
    """Create ``snapshot_dir/mognad.duckdb`` (schema main, as published) and manifest.json."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(snapshot_dir / "mognad.duckdb"))
    con.execute(
        "create table organisations (organisation_code varchar, organisation_name varchar, "
        "organisation_short_name varchar, organisation_type varchar, county_code varchar)"
    )
    con.executemany("insert into organisations values (?, ?, ?, ?, ?)", ORGANISATIONS)
    con.execute(
        "create table maturity_by_organisation (organisation_code varchar, organisation_name varchar, "
        "organisation_type varchar, survey_year integer, instrument_version varchar, respondents integer, "
        "invited integer, response_rate double, capability_index double, legacy_index double, "
        "maturity_index double, maturity_index_ci_lower double, maturity_index_ci_upper double, "
        "quadrant varchar, maturity_index_change double, change_is_significant boolean)"
    )
    names = {o[0]: (o[1], o[3]) for o in ORGANISATIONS}
    con.executemany(
        "insert into maturity_by_organisation values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r[0], names[r[0]][0], names[r[0]][1], *r[1:]) for r in ORG_YEARS],
    )
    con.execute(
        "create table maturity_by_category (organisation_code varchar, organisation_name varchar, "
        "survey_year integer, instrument_version varchar, dimension_code varchar, category_code varchar, "
        "category_name_sv varchar, category_index double, category_index_ci_lower double, "
        "category_index_ci_upper double, respondents integer, dont_know_share double)"
    )
    respondents = {(r[0], r[1]): r[3] for r in ORG_YEARS}
    versions = {(r[0], r[1]): r[2] for r in ORG_YEARS}
    rows = []
    for (code, year), values in CATEGORY_INDICES.items():
        for (cat, dim, name), value in zip(CATEGORIES, values, strict=True):
            rows.append(
                (
                    code,
                    names[code][0],
                    year,
                    versions[(code, year)],
                    dim,
                    cat,
                    name,
                    value,
                    value - 5,
                    value + 5,
                    respondents[(code, year)],
                    0.1,
                )
            )
    con.executemany(
        "insert into maturity_by_category values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    con.execute(
        "create table quadrant_types (quadrant varchar, quadrant_name_sv varchar, capability_level_sv varchar, "
        "legacy_level_sv varchar, quadrant_description_sv varchar, capability_cut double, legacy_cut double)"
    )
    con.executemany("insert into quadrant_types values (?, ?, ?, ?, ?, 50, 50)", QUADRANTS)
    con.execute(
        "create table instrument_items (instrument_version varchar, item_code varchar, item_text_sv varchar, "
        "category_code varchar)"
    )
    con.executemany("insert into instrument_items values (?, ?, ?, ?)", ITEMS)
    if with_optional:
        con.execute(
            "create table dont_know_by_item (organisation_code varchar, survey_year integer, "
            "instrument_version varchar, item_code varchar, dont_know_answers integer, dont_know_share double)"
        )
        con.executemany(
            "insert into dont_know_by_item values (?, ?, ?, ?, ?, ?)",
            [
                ("0604", 2020, "v2020", "INN02", 3, 0.2),
                ("0604", 2020, "v2020", "EFF01", 6, 0.4),
                ("0604", 2020, "v2020", "TEK01", 0, 0.0),
                # the region has 3 respondents in 2020: its items must not be listed
                ("06", 2020, "v2020", "EFF01", 1, 0.333),
            ],
        )
        con.execute(
            "create table maturity_by_target_group (organisation_code varchar, survey_year integer, "
            "target_group varchar, target_group_name_sv varchar, respondents integer, maturity_index double, "
            "is_suppressed boolean, suppression_reason varchar)"
        )
        con.executemany(
            "insert into maturity_by_target_group values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ("0604", 2020, "kommunledning", "Kommunledning", 4, None, True, "small_cell"),
                (
                    "0604",
                    2020,
                    "strateger",
                    "Strateger och verksamhetsutvecklare",
                    6,
                    55.5,
                    False,
                    None,
                ),
                (
                    "0604",
                    2020,
                    "systemansvariga",
                    "Systemansvariga",
                    5,
                    None,
                    True,
                    "complementary",
                ),
            ],
        )
        # departments: no suppression flag in this table; "Skola" has 2 respondents and must
        # still be hidden by the reports' own threshold check
        con.execute(
            "create table maturity_by_department (organisation_code varchar, survey_year integer, "
            "department varchar, respondents integer, maturity_index double, capability_index double)"
        )
        con.executemany(
            "insert into maturity_by_department values (?, ?, ?, ?, ?, ?)",
            [
                ("0604", 2020, "Socialtjänst", 7, 50.1, 53.3),
                ("0604", 2020, "Skola", 2, 44.4, 41.1),
            ],
        )
        con.execute(
            "create table dont_know_by_target_group (organisation_code varchar, survey_year integer, "
            "target_group varchar, target_group_name_sv varchar, respondents integer, "
            "dont_know_share double, counts_suppressed boolean)"
        )
        con.executemany(
            "insert into dont_know_by_target_group values (?, ?, ?, ?, ?, ?, ?)",
            [
                ("0604", 2020, "fortroendevalda", "Förtroendevalda", 5, 0.42, False),
                ("0604", 2020, "kommunledning", "Kommunledning", 4, None, True),
                ("0604", 2020, "strateger", "Strateger och verksamhetsutvecklare", 6, 0.25, False),
            ],
        )
        con.execute(
            "create table response_rates (organisation_code varchar, survey_year integer, target_group varchar, "
            "invited integer, respondents integer, response_rate double, rate_status varchar)"
        )
        con.executemany(
            "insert into response_rates values (?, ?, ?, ?, ?, ?, ?)",
            [
                ("0604", 2020, "strateger", 10, 6, 0.6, "known"),
                ("0617", 2020, "strateger", None, 9, None, "unknown"),
            ],
        )
    con.close()
    (snapshot_dir / "manifest.json").write_text(
        json.dumps({"years": {"2019": {"status": "final"}, "2020": {"status": "preliminary"}}}),
        encoding="utf-8",
    )
    return snapshot_dir
