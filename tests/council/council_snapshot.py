"""A tiny hand-made published snapshot for the council report's tests.

Every number is invented here and the expected texts are worked out by hand in the tests
(e.g. Mullsjö: 6 respondents of 25 invited = 24 %, under the failing threshold 30 %).

2019 (preliminary): six organisations, two target groups (kommunledning, strateger):

| org  | kommunledning (inv/resp)  | strateger (inv/resp) | total            | notes |
|------|---------------------------|----------------------|------------------|-------|
| 0604 Aneby      | 14/7  (50 %)       | 2/3 (150 %)          | 10/16 = 62,5 %   | respondents_within_invited fel (strateger) |
| 0642 Mullsjö    | 15/4  (26,7 %)     | 10/2 (20 %)          | 6/25 = 24 %      | response_rate fel |
| 0617 Gnosjö     | link/5             | link/3               | okänd            | 8 respondents |
| 0666 hostile    | 2/2   (100 %)      | 2/1 (50 %)           | 3/4 = 75 %       | min_respondents fel (3 < 5) |
| 0680 Jönköping  | 10/3  (30 %)       | 10/6 (60 %)          | 9/20 = 45 %      | response_rate varning |
| 06   Region     | 25/20 (80 %)       | 25/20 (80 %)         | 40/50 = 80 %     | |

Items: INN04 "vet ej" 63 of 200 = 31,5 % (varning), blanks 24 of 200 = 12 % (varning);
BAL02 "vet ej" 25 of 200 = 12,5 %; EFF01 10 of 200 = 5 %; their blanks 2 of 200 = 1 %.

2018 (signed off in the manifest): the nine structural checks and one response_rate row
(Aneby 8/10 = 80 %). No GX Data Docs folder for 2018; one for 2019.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
from tiny_build import complete_to_contract

HOSTILE_NAME = '<script>alert("x")</script> & "Kommun"'
HOSTILE_SHORT = "Ond <b>kommun</b>"
HOSTILE_SIGNER = "Anna <Berg>"

ORGANISATIONS = [
    ("0604", "Aneby kommun", "Aneby", "kommun"),
    ("0642", "Mullsjö kommun", "Mullsjö", "kommun"),
    ("0617", "Gnosjö kommun", "Gnosjö", "kommun"),
    ("0666", HOSTILE_NAME, HOSTILE_SHORT, "kommun"),
    ("0680", "Jönköpings kommun", "Jönköping", "kommun"),
    ("06", "Region Jönköpings län", "Region Jönköpings län", "region"),
]
NAMES = {code: name for code, name, _, _ in ORGANISATIONS}

GROUP_NAMES = {
    "kommunledning": "Kommunledning",
    "strateger": "Strateger och verksamhetsutvecklare",
}

# (org, group): (method, invited, respondents)
INVITATIONS_2019 = {
    ("0604", "kommunledning"): ("email", 14, 7),
    ("0604", "strateger"): ("email", 2, 3),
    ("0642", "kommunledning"): ("email", 15, 4),
    ("0642", "strateger"): ("email", 10, 2),
    ("0617", "kommunledning"): ("link", None, 5),
    ("0617", "strateger"): ("link", None, 3),
    ("0666", "kommunledning"): ("email", 2, 2),
    ("0666", "strateger"): ("email", 2, 1),
    ("0680", "kommunledning"): ("email", 10, 3),
    ("0680", "strateger"): ("email", 10, 6),
    ("06", "kommunledning"): ("email", 25, 20),
    ("06", "strateger"): ("email", 25, 20),
}

STRUCTURAL = [
    "required_columns",
    "survey_year_matches",
    "answers_within_scale",
    "expected_organisations_present",
    "organisation_codes_known",
    "instrument_items_present",
    "respondents_unique",
    "target_groups_known",
    "invitations_consistent",
]

ITEMS = [
    # instrument_version, item_code, text, category_code, category_name_sv
    ("v2018", "EFF01", "Digitaliseringen är en del av den strategiska planeringen.", "effektivitet", "Effektivitet"),
    ("v2018", "INN04", "Vi använder och bidrar till öppen källkod när det är möjligt.", "innovation", "Innovation"),
    ("v2018", "BAL02", "Kostnader för digitala satsningar beräknas realistiskt och följs upp.", "balansering", "Balansering"),
    ("v2020", "INN04", "FEL VERSION – ska inte visas 2019", "innovation", "Innovation"),
]  # fmt: skip

CHECKED_AT = dt.datetime(2026, 11, 1, 10, 0, 0)


def _row(year, check, kind, status, org=None, group=None, item=None, observed=None,
         numerator=None, denominator=None, warn=None, fail=None, threshold=None):  # fmt: skip
    return (
        year, check, kind, org, NAMES.get(org) if org else None, group, item, status,
        observed, numerator, denominator, warn, fail, threshold, CHECKED_AT,
    )  # fmt: skip


def check_rows() -> list[tuple]:
    rows = []
    for year in (2018, 2019):
        rows += [_row(year, name, "structural", "godkänd", observed=0.0,
                      threshold="0 offending rows") for name in STRUCTURAL]  # fmt: skip
    rows.append(_row(2018, "response_rate", "quality", "godkänd", "0604", observed=0.8,
                     numerator=8, denominator=10, warn=0.5, fail=0.3))  # fmt: skip

    # 2019 response_rate per organisation (statuses judged by hand against 0.5 / 0.3)
    rate = {"0604": ("godkänd", 10, 16), "0642": ("fel", 6, 25), "0617": ("okänd", 8, None),
            "0666": ("godkänd", 3, 4), "0680": ("varning", 9, 20), "06": ("godkänd", 40, 50)}  # fmt: skip
    for org, (status, n, invited) in rate.items():
        rows.append(_row(2019, "response_rate", "quality", status, org,
                         observed=None if invited is None else n / invited, numerator=n,
                         denominator=invited, warn=0.5, fail=0.3,
                         threshold="varning < 0.5; fel < 0.3"))  # fmt: skip
        rows.append(_row(2019, "min_respondents", "quality", "fel" if n < 5 else "godkänd", org,
                         observed=float(n), fail=5.0, threshold="fel < 5"))  # fmt: skip
    for (org, group), (method, invited, n) in INVITATIONS_2019.items():
        if method == "link":
            status = "okänd"
        else:
            status = "fel" if n > invited else "godkänd"
        rows.append(_row(2019, "respondents_within_invited", "quality", status, org, group,
                         observed=float(n), numerator=n, denominator=invited,
                         threshold="fel > invited"))  # fmt: skip
    for item, dk, dk_status, blank, blank_status in (
        ("INN04", 63, "varning", 24, "varning"),
        ("BAL02", 25, "godkänd", 2, "godkänd"),
        ("EFF01", 10, "godkänd", 2, "godkänd"),
    ):
        rows.append(_row(2019, "dont_know_share", "quality", dk_status, item=item,
                         observed=dk / 200, numerator=dk, denominator=200, warn=0.3,
                         threshold="varning > 0.3"))  # fmt: skip
        rows.append(_row(2019, "item_nonresponse", "quality", blank_status, item=item,
                         observed=blank / 200, numerator=blank, denominator=200, warn=0.1,
                         threshold="varning > 0.1"))  # fmt: skip
    return rows


def write_snapshot(
    snapshot_dir: Path, *, signed_off_2018: bool = True, gx_2019: bool = True
) -> Path:
    """Write ``mognad.duckdb``, ``manifest.json`` and (optionally) ``quality/gx/2019/``."""
    snapshot_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(snapshot_dir / "mognad.duckdb"))
    try:
        con.execute(
            "create table quality_check_results (survey_year integer, check_name varchar, "
            "check_kind varchar, organisation_code varchar, organisation_name varchar, "
            "target_group varchar, item_code varchar, status varchar, observed double, "
            "numerator bigint, denominator bigint, warn_threshold double, "
            "fail_threshold double, threshold varchar, checked_at timestamp)"
        )
        con.executemany(
            "insert into quality_check_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            check_rows(),
        )
        con.execute(
            "create table organisations (organisation_code varchar, organisation_name varchar, "
            "organisation_short_name varchar, organisation_type varchar, county_code varchar)"
        )
        con.executemany(
            "insert into organisations values (?, ?, ?, ?, '06')", [list(o) for o in ORGANISATIONS]
        )
        con.execute(
            "create table response_rates (organisation_code varchar, organisation_name varchar, "
            "survey_year integer, target_group varchar, target_group_name_sv varchar, "
            "invitation_method varchar, invited integer, respondents integer, "
            "response_rate double, rate_status varchar)"
        )
        rates = []
        for (org, group), (method, invited, n) in INVITATIONS_2019.items():
            known = method == "email" and invited
            rates.append((org, NAMES[org], 2019, group, GROUP_NAMES[group], method, invited, n,
                          n / invited if known else None, "known" if known else "unknown"))  # fmt: skip
        rates.append(("0604", NAMES["0604"], 2018, "kommunledning", "Kommunledning", "email",
                      10, 8, 0.8, "known"))  # fmt: skip
        con.executemany("insert into response_rates values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rates)
        con.execute(
            "create table instrument_items (instrument_version varchar, item_code varchar, "
            "item_text_sv varchar, category_code varchar, category_name_sv varchar)"
        )
        con.executemany("insert into instrument_items values (?, ?, ?, ?, ?)", ITEMS)
        con.execute(
            "create table dont_know_by_item (survey_year integer, instrument_version varchar, "
            "item_code varchar)"
        )
        con.execute("insert into dont_know_by_item values (2019, 'v2018', 'INN04')")
        # marts.internal_consistency_by_category (issue 5), 2019 only, in alphabetical order
        # (the page shows the model's order: effektivitet before balansering).
        con.execute(
            "create table internal_consistency_by_category (survey_year integer, "
            "dimension_code varchar, category_code varchar, category_name_sv varchar, "
            "items_in_category integer, respondents integer, cronbach_alpha double, "
            "cronbach_alpha_threshold double, is_cronbach_alpha_below_threshold boolean)"
        )
        con.executemany(
            "insert into internal_consistency_by_category values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (2019, "capability", "balansering", "Balansering", 6, 1208, 0.6541, 0.7, True),
                (2019, "capability", "effektivitet", "Effektivitet", 7, 1210, 0.80714, 0.7, False),
                (2019, "legacy", "teknik", "Teknik", 7, 4, None, 0.7, None),
            ],
        )
    finally:
        con.close()
    complete_to_contract(snapshot_dir / "mognad.duckdb")
    years = {
        "2018": {"instrument_version": "v2018", "status": "preliminary"},
        "2019": {"instrument_version": "v2018", "status": "preliminary"},
    }
    if signed_off_2018:
        years["2018"] = {
            "instrument_version": "v2018",
            "status": "signed_off",
            "signoff": {
                "by": HOSTILE_SIGNER,
                "at": "2026-03-02T09:15:00Z",
                "comment": "Granskat på rådsmötet <i>i mars</i>.",
                "version": 1,
                "data_fingerprint": "abc123",
            },
        }
    manifest = {
        "snapshot_id": "20261101T100000-000000Z",
        "created_at": "2026-11-01T10:00:00+00:00",
        "code_version": "test",
        "years": years,
        "tables": {},
    }
    (snapshot_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    if gx_2019:
        gx = snapshot_dir / "quality" / "gx" / "2019"
        gx.mkdir(parents=True, exist_ok=True)
        (gx / "index.html").write_text("<!doctype html><title>GX</title>", encoding="utf-8")
    return snapshot_dir
