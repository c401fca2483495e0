"""The council's data-quality report: static Swedish HTML in a published snapshot.

:func:`build_quality_report` reads a snapshot folder (``mognad.duckdb`` opened read-only and
``manifest.json``; architecture doc, "Published snapshot") and writes

- ``quality/index.html`` — every year: the status of each check, the number of results per
  status (godkänd / varning / fel / okänd), the organisations whose results are withheld and
  whether digitaliseringsrådet has reviewed the year ("preliminär" or "granskad och godkänd
  av … den …", from the manifest's ``years[<year>]`` entry);
- ``quality/<year>.html`` — one page per year: each check explained in plain Swedish (what it
  checks, why it matters, the rule with the thresholds that were used), its status and
  numbers; response rates per organisation × target group (colour *and* symbol and word, so
  black-and-white print keeps the meaning; an unknown rate is "okänd", never 0 % or 100 %);
  the largest "vet ej" shares with the items' Swedish text; the withheld organisations and
  why; the council's decisions (items from the checks, decision per item, meeting, date and
  signature block); a link to the year's file checks ``gx/<year>/index.html``, a page of our
  own built from the GX validation results the publish step copies to
  ``quality/gx/<year>/results/`` (:mod:`pipelines.reports.gx_page`).

The pages are self-contained (CSS inline, no scripts, no network) and print to A4 without
cut table rows, one year per printed page group. Templates in
``pipelines/reports/templates/council/`` on the reports' one environment and stylesheet
(:mod:`pipelines.reports.render`); numbers and times formatted by
:mod:`pipelines.reports.formatting`.

Sources of the rules shown: the file checks are ``pipelines/validation/suites.py``, the
council's quality checks dbt's ``int_quality_checks_evaluated`` with the thresholds of the dbt
var ``quality_thresholds`` (the numbers shown are those recorded on each result row);
withholding follows the dbt var ``withholding_checks``
(:func:`pipelines.decisions.failing_organisations`); "vet ej" and unknown response rates
follow the domain doc (scoring §3, "Respondents and response rates").
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipelines.decisions import ACCEPT, OVERRULE, failing_organisations, withholding_checks
from pipelines.publish.snapshot import YEAR_STATUS_SV, survey_year_row
from pipelines.reports.formatting import (
    format_count,
    format_date,
    format_datetime,
    format_int,
    format_interval,
    format_number,
    format_percent,
    format_percent_against,
    format_threshold,
    is_missing,
    swedish_sort_key,
)
from pipelines.reports.gx_page import latest_results, results_view
from pipelines.reports.render import render_page, template_environment
from pipelines.reports.snapshot import SnapshotReader
from pipelines.settings import SEEDS_DIR, dbt_project_vars
from pipelines.validation.suites import RAW_CHECKS

if TYPE_CHECKING:
    from pipelines.reports.data import Population

GX_RESULTS_DIR = "results"
"""Folder of a year's stored GX validation results inside ``quality/gx/<year>/`` (copied by the
publish step); the year's file-check page ``quality/gx/<year>/index.html`` is built from it."""

QUALITY_DIR = "quality"
"""Folder of the report inside a snapshot."""

STATUSES = ("godkänd", "varning", "fel", "okänd")
"""Status words in display order (as in ``quality_check_results.status``)."""

STATUS_SEVERITY = {"godkänd": 0, "okänd": 1, "varning": 2, "fel": 3}
"""Order of flagged rows in a check's table: fel first, then varning, then okänd."""

OVERALL_RANK = {"okänd": 0, "godkänd": 1, "varning": 2, "fel": 3}
"""Ranking for a check's overall status: fel > varning > godkänd > okänd, so a check is
``okänd`` only when none of its results could be judged (its okänd rows are counted beside)."""

STATUS_SYMBOL = {"godkänd": "✓", "varning": "!", "fel": "✗", "okänd": "?"}
"""Symbol printed before each status word (meaning survives black-and-white print)."""

STATUS_CLASS = {"godkänd": "ok", "varning": "warn", "fel": "fail", "okänd": "unknown"}
"""CSS class suffix of each status (ASCII)."""

TARGET_GROUP_ORDER = (
    "fortroendevalda",
    "kommunledning",
    "forvaltningsledning",
    "strateger",
    "systemansvariga",
)
"""Column order of the response-rate table (the order of target_groups.csv)."""

SHY = "\u00ad"
TARGET_GROUP_HEADS = {
    "fortroendevalda": f"Förtroende{SHY}valda",
    "kommunledning": f"Kommun{SHY}ledning",
    "forvaltningsledning": f"Förvaltnings{SHY}ledning",
    "strateger": f"Strateger och verksamhets{SHY}utvecklare",
    "systemansvariga": f"System{SHY}ansvariga",
}
"""Column heads of the response-rate table: the target groups' names with soft hyphens, so
narrow columns break between the parts of a compound word."""

TOP_DONT_KNOW_ITEMS = 10
"""How many items the "vet ej" list shows at least (every item with varning is shown)."""

SIGNED_OFF = "signed_off"
"""Manifest ``years[<year>].status`` of a year the council has signed off (pipelines.signoff)."""


# --------------------------------------------------------------------------------------
# What each check means, in Swedish for the council


@dataclass(frozen=True)
class CheckText:
    """The council's explanation of one check: Swedish title, what, why and the rule.

    ``rule`` may contain ``{warn}`` and ``{fail}``: the thresholds used that year, formatted
    as percentages or counts (see :func:`_rule_text`).
    """

    title: str
    what: str
    why: str
    rule: str


STRUCTURAL_TEXTS: dict[str, CheckText] = {
    "required_columns": CheckText(
        "Rätt kolumner",
        "Varje tabell med rådata (svar, svarande, inbjudningar) har exakt de kolumner som "
        "dataavtalet anger.",
        "Saknas en kolumn eller heter den fel kan svar hamna i fel fält eller försvinna utan "
        "att någon märker det.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "survey_year_matches": CheckText(
        "Rätt mätår",
        "Varje rad i underlaget gäller det mätår som läses in.",
        "Annars kan svar från ett annat år blandas in i årets resultat.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "answers_within_scale": CheckText(
        "Svar inom skalan",
        "Varje svar är ett värde på enkätens skala (1–5), ”vet ej” eller obesvarat, och ett "
        "värde finns bara när påståendet har besvarats.",
        "Ett värde utanför skalan skulle ge felaktiga index.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "expected_organisations_present": CheckText(
        "Alla organisationer finns med",
        "Det finns svar från varje organisation i {genitive} register ({members}).",
        "Saknas en organisation kan exporten vara ofullständig, och jämförelser i {name} blir "
        "missvisande.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "organisation_codes_known": CheckText(
        "Kända organisationer",
        "Varje organisation i svaren och i inbjudningarna finns i {genitive} register.",
        "Ett namn eller en kod som inte känns igen kan inte kopplas till rätt kommun; "
        "organisationer gissas aldrig fram.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "instrument_items_present": CheckText(
        "Rätt version av enkäten",
        "Svaren täcker exakt påståendena i årets version av enkäten, och alla svarande har "
        "besvarat samma version.",
        "Index kan bara räknas och jämföras när alla har fått samma påståenden.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "respondents_unique": CheckText(
        "Varje svarande en gång",
        "Varje svarande finns med en gång, med ett svar per påstående.",
        "Dubbletter skulle räkna samma persons svar flera gånger.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "target_groups_known": CheckText(
        "Kända målgrupper",
        "Varje svarande och varje inbjudan hör till en av de fem målgrupperna.",
        "Svarsfrekvenser och jämförelser räknas per målgrupp.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
    "invitations_consistent": CheckText(
        "Inbjudningarna hänger ihop",
        "Inbjudningarna har en rad per organisation och målgrupp, inbjudan gick ut med "
        "e-post eller länk, och antalet inbjudna är angivet exakt när den gick ut med e-post.",
        "Svarsfrekvensen bygger på antalet inbjudna. Vid en delad länk går antalet inte att veta.",
        "Inga avvikelser tillåts. Ett år som inte klarar kontrollen läses inte in alls.",
    ),
}
"""Swedish texts of the blocking structural checks (suites.RAW_CHECKS)."""

INGEST_FINDING_TEXTS: dict[str, tuple[str, str]] = {
    "respondents_unique": (
        "Vid inläsningen togs {n} dubbel inskickning bort: samma svarande hade svarat mer "
        "än en gång, och den senaste inskickningen behölls.",
        "Vid inläsningen togs {n} dubbla inskickningar bort: samma svarande hade svarat mer "
        "än en gång, och den senaste inskickningen behölls.",
    ),
    "survey_year_matches": (
        "{n} svar var daterat utanför mätåret men lästes in ändå, eftersom exportprofilen "
        "tillåter det (year_rule: warn).",
        "{n} svar var daterade utanför mätåret men lästes in ändå, eftersom exportprofilen "
        "tillåter det (year_rule: warn).",
    ),
}
"""What a structural check's ``varning`` means: an ingest rule fired and the check passed
because of it (pipelines.validation.results.INGEST_FINDINGS); singular and plural text,
``{n}`` is the count recorded as ``observed``."""


def finding_text(check: str, status: str, observed: float | None) -> str:
    """The Swedish sentence for a structural check's ``varning`` with its count, else ``""``."""
    if status != "varning" or observed is None or check not in INGEST_FINDING_TEXTS:
        return ""
    one, many = INGEST_FINDING_TEXTS[check]
    return (one if observed == 1 else many).format(n=format_int(observed))

QUALITY_TEXTS: dict[str, CheckText] = {
    "response_rate": CheckText(
        "Svarsfrekvens per organisation",
        "Hur stor del av de inbjudna som svarade på enkäten: antalet svarande delat med "
        "antalet inbjudna, för hela organisationen (alla målgrupper).",
        "När få av de inbjudna svarar kan de som svarade skilja sig från dem som inte "
        "svarade, och resultatet säger då mindre om organisationen som helhet.",
        "Varning under {warn}, fel under {fail}. Fel betyder att organisationens resultat för "
        "året inte publiceras. Svarsfrekvensen är okänd när någon målgrupp bjöds in med en "
        "delad länk: då vet ingen hur många som fick enkäten, och den visas aldrig som "
        "0 % eller 100 %.",
    ),
    "min_respondents": CheckText(
        "Minsta antal svarande",
        "Hur många personer i organisationen som svarade.",
        "Inga resultat (index eller andelar av svaren) publiceras för färre än {fail} "
        "personer, så att ingen enskild persons svar kan utläsas. Antalet svarande visas "
        "ändå: det beskriver deltagandet, inte svaren.",
        "Fel vid färre än {fail} svarande. Fel betyder att organisationens resultat för året "
        "inte publiceras.",
    ),
    "respondents_within_invited": CheckText(
        "Inte fler svarande än inbjudna",
        "För varje organisation och målgrupp som bjöds in med e-post: att antalet svarande "
        "inte är större än antalet inbjudna.",
        "Fler svarande än inbjudna betyder att antalet inbjudna är fel eller att svar hamnat "
        "i fel målgrupp. Då går svarsfrekvensen inte att lita på.",
        "Fel när det finns fler svarande än inbjudna. Fel betyder att organisationens "
        "resultat inte publiceras förrän uppgiften är rättad. Okänd när målgruppen bjöds in "
        "med en delad länk.",
    ),
    "dont_know_share": CheckText(
        "Andel ”vet ej” per påstående",
        "Hur stor del av svaren på ett påstående som är ”vet ej”, i hela {name}: ”vet ej” "
        "delat med alla svar på påståendet (obesvarade räknas inte).",
        "”Vet ej” är ett ärligt svar som visar var kunskap saknas. En hög andel betyder att "
        "indexet för påståendet bygger på färre svar, och att frågan kan behöva förklaras "
        "eller ställas till rätt målgrupp.",
        "Varning över {warn}. Påverkar inte vad som publiceras.",
    ),
    "item_nonresponse": CheckText(
        "Obesvarade påståenden",
        "Hur stor del av de svarande som lämnade ett påstående tomt. Ett tomt svar är inte "
        "samma sak som ”vet ej”.",
        "Många tomma svar kan tyda på en otydlig fråga eller ett tekniskt fel i enkäten eller "
        "exporten.",
        "Varning över {warn}. Påverkar inte vad som publiceras.",
    ),
}
"""Swedish texts of the council's quality checks (dbt's ``int_quality_checks_evaluated``), in
report order."""

WITHHELD_RULE_SV = (
    "publiceras inte organisationens resultat för året, om inte rådet beslutar att publicera dem"
)
"""What a failed per-organisation check (status ``fel``) means for publication, as the legend
of the council's quality page words it (``STATUS_TEXTS``) and the deck's trend slide repeats
it for a withheld year: the rule withholds the results, the council may decide otherwise. In
inverted word order (after an adverbial such as "för kontroller per organisation")."""

STATUS_TEXTS: dict[str, str] = {
    "godkänd": "Kontrollen är uppfylld.",
    "varning": "Värt att titta närmare på; resultaten publiceras ändå.",
    "fel": f"Kontrollen är inte uppfylld; för kontroller per organisation {WITHHELD_RULE_SV}.",
    "okänd": "Går inte att bedöma, t.ex. svarsfrekvens när inbjudan gick ut med en delad länk.",
}
"""What each status means, for the legend."""


def _rule_text(check: str, text: CheckText, rows: Sequence[Mapping[str, Any]]) -> str:
    """The rule of ``text`` with the thresholds recorded on ``rows`` (the first non-null)."""
    warn = next((r["warn_threshold"] for r in rows if r.get("warn_threshold") is not None), None)
    fail = next((r["fail_threshold"] for r in rows if r.get("fail_threshold") is not None), None)
    if check == "min_respondents":
        fail_text = format_int(fail, missing="?")
    else:
        fail_text = format_threshold(fail)
    return text.rule.format(warn=format_threshold(warn), fail=fail_text)


def _text_with_thresholds(template: str, rows: Sequence[Mapping[str, Any]], check: str) -> str:
    if "{" not in template:
        return template
    return _rule_text(check, CheckText("", "", "", template), rows)


# --------------------------------------------------------------------------------------
# Reading the snapshot


def _seed_target_group_names(seeds_dir: Path = SEEDS_DIR) -> dict[str, str]:
    path = seeds_dir / "target_groups.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["target_group"]: r["target_group_name_sv"] for r in csv.DictReader(handle)}


def _seed_category_order(seeds_dir: Path = SEEDS_DIR) -> dict[str, int]:
    """Category code -> position in the model's order (seeds/model_categories.csv)."""
    path = seeds_dir / "model_categories.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["category_code"]: int(r["sort_order"]) for r in csv.DictReader(handle)}


# --------------------------------------------------------------------------------------
# View models (plain dicts and dataclasses the templates render)


@dataclass
class Cell:
    """One response-rate cell: the text, its status and a short note."""

    text: str
    status: str
    note: str = ""


@dataclass
class YearView:
    """Everything a year page shows."""

    year: int
    review: dict[str, Any]
    counts: dict[str, int]
    structural: list[dict[str, Any]]
    quality: list[dict[str, Any]]
    check_status: dict[str, str]
    withheld: list[dict[str, Any]]
    rate_columns: list[dict[str, str]]
    rate_rows: list[dict[str, Any]]
    rate_note: str
    dont_know: list[dict[str, Any]]
    dont_know_total: int
    nonresponse: list[dict[str, Any]]
    gx_link: str | None
    thresholds: dict[str, str] = field(default_factory=dict)
    has_results: bool = True
    structural_status: str | None = None
    consistency: list[dict[str, Any]] = field(default_factory=list)
    consistency_threshold: str = ""
    consistency_by_organisation: dict[str, Any] | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    published_by_decision: list[dict[str, Any]] = field(default_factory=list)
    """Organisations the checks withhold whose results the council decided to publish (an
    overrule in the year's sign-off), each as :func:`_withheld` gives it with the council's
    ``reason`` and the sentence of :func:`overrule_sentence`."""
    organisation_counts: dict[str, int] = field(default_factory=dict)
    place: Population | None = None
    """The population's words (``data.population_of`` the register's county codes)."""


def worst_status(statuses: Iterable[str]) -> str | None:
    """A check's overall status from its rows' statuses: ``fel`` if any row is fel, else
    ``varning`` if any is varning, else ``godkänd`` if any is godkänd, else ``okänd`` (nothing
    could be judged); None when there are no rows."""
    statuses = list(statuses)
    if not statuses:
        return None
    return max(statuses, key=lambda s: OVERALL_RANK.get(s, 0))


def survey_year_review(row: Mapping[str, Any]) -> dict[str, Any]:
    """The council's review of a year as every report states it, from one row of the
    published ``survey_years`` table (:func:`pipelines.publish.snapshot.survey_year_row`:
    ``survey_year``, ``status`` 'granskad' or 'preliminär', ``signed_off_by``,
    ``signed_off_at``, ``meeting_date``, ``decided_by``, ``signoff_version``,
    ``signoff_cleared_at``, ``signoff_cleared_reason``; times UTC as datetimes or ISO text).

    The one rule of what a year's status says: the organisations' pages, PDFs and decks read
    it from the table, the council's page and the workbook through :func:`review_state`.
    ``text`` is the one sentence every report states the year's status in (never worded
    again elsewhere): "Mätningen <year> är granskad och godkänd av <body> vid sammanträdet den
    <meeting date> (registrerat av <by> den <time>)." (``av <by> den <time>`` for a record
    without a meeting date); for a preliminary year "Preliminära resultat:
    digitaliseringsrådet har ännu inte granskat och godkänt mätningen <year>; siffrorna kan
    ändras.", or, when the year's last sign-off was cleared (``signoff_cleared_at`` set),
    "Preliminära resultat: digitaliseringsrådets godkännande av mätningen <year> har hävts
    eftersom uppgifterna ändrats; siffrorna kan ändras." ``label`` and ``detail`` are the
    same statement in two parts for the council's status box. ``mark`` is the year's status in
    one word ('granskad' or 'preliminär', the table's ``status``), the mark every report sets
    beside the year ("2019 (granskad)", "2020 (preliminär)"). ``cleared`` (None unless
    cleared): ``at`` (Stockholm time, text) and ``reason``. Times are shown in Stockholm
    time (:func:`pipelines.reports.formatting.format_datetime`).
    """
    year = int(row["survey_year"])
    if row.get("status") == YEAR_STATUS_SV[SIGNED_OFF]:
        by = row.get("signed_off_by") or "okänd person"
        at = row.get("signed_off_at")
        meeting = row.get("meeting_date")
        body = row.get("decided_by") or ""
        if meeting:  # the body's decision at its meeting; who recorded it and when apart
            detail = (f"av {body or by} vid sammanträdet den {format_date(meeting)} "
                      f"(registrerat av {by} den {format_datetime(at)}).")
        else:  # a sign-off recorded before meeting dates were kept
            detail = f"av {by} den {format_datetime(at)}."
        return {
            "signed_off": True,
            "mark": YEAR_STATUS_SV[SIGNED_OFF],
            "label": "granskad och godkänd",
            "text": f"Mätningen {year} är granskad och godkänd {detail}",
            "detail": detail,
            "version": row.get("signoff_version"),
            "body": body,
            "meeting": format_date(meeting) if meeting else "",
            "recorded": format_datetime(at),
            "by": by,
            "cleared": None,
        }
    cleared_at = row.get("signoff_cleared_at")
    if cleared_at:  # reviewed once, but the data changed since: not "not yet reviewed"
        text = (f"Preliminära resultat: digitaliseringsrådets godkännande av mätningen {year} "
                "har hävts eftersom uppgifterna ändrats; siffrorna kan ändras.")
        detail = "rådets godkännande har hävts; året är preliminärt tills rådet granskat det igen."
    else:
        text = (f"Preliminära resultat: digitaliseringsrådet har ännu inte granskat och godkänt "
                f"mätningen {year}; siffrorna kan ändras.")
        detail = "digitaliseringsrådet har ännu inte granskat och godkänt året."
    return {
        "signed_off": False,
        "mark": YEAR_STATUS_SV["preliminary"],
        "label": "preliminär",
        "text": text,
        "detail": detail,
        "version": None,
        "body": "",
        "meeting": "",
        "recorded": "",
        "by": "",
        "cleared": cleared_at and {
            "at": format_datetime(cleared_at),
            "reason": row.get("signoff_cleared_reason") or "",
        },
    }


def review_state(manifest: Mapping[str, Any], year: int) -> dict[str, Any]:
    """:func:`survey_year_review` of ``year``'s entry in a snapshot manifest
    (``manifest["years"][str(year)]``, :func:`pipelines.signoff.manifest_year_entry`'s
    shape), made into its ``survey_years`` row by the publication's own mapping
    (:func:`pipelines.publish.snapshot.survey_year_row`), so the council's page says what
    the published table and every report say. Adds what only the council's page shows: the
    sign-off's ``comment`` (empty unless signed off), and the clearing event's ``by`` and
    ``version`` in ``cleared``. A year the manifest does not hold is preliminary.
    """
    entry = (manifest.get("years") or {}).get(str(year)) or {}
    review = survey_year_review(survey_year_row(year, entry))
    if review["signed_off"]:
        review["comment"] = (entry.get("signoff") or {}).get("comment") or ""
    else:
        review["comment"] = ""
    if review["cleared"]:
        event = entry.get("cleared") or {}
        review["cleared"] = {**review["cleared"], "by": event.get("by") or "",
                             "version": event.get("version")}
    return review


CHOICE_TEXTS_SV = {
    (ACCEPT, True): "Godta att resultaten inte publiceras",
    (OVERRULE, True): "Publicera resultaten ändå, med skäl:",
    (ACCEPT, False): "Notera och godta",
}
"""The printed decision page's words for each choice of an item (:attr:`pipelines.decisions.
DecisionItem.choices`), by (choice, whether the item is a withholding): each choice gets its
own box, and an overrule its line for the reason, so opposite decisions never share a box."""


def decision_text(withheld: bool, decided: Mapping[str, Any] | None) -> str | None:
    """The council's recorded decision on one item in Swedish, as the decision page and
    ``mognad sign-off`` state it: None while undecided; "Godtas" for an accepted note,
    "Godtas: resultaten publiceras inte" for an accepted withholding (``withheld``),
    "Publiceras ändå: <skäl>" for an overrule (``decided``: the item's decision in the
    sign-off, ``{"decision", "reason"}``)."""
    if decided is None:
        return None
    if decided.get("decision") == OVERRULE:
        return f"Publiceras ändå: {decided.get('reason')}"
    return "Godtas" + (": resultaten publiceras inte" if withheld else "")


def decision_view(
    check_rows: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any], year: int
) -> list[dict[str, Any]]:
    """The items the council decides on for ``year`` (:func:`pipelines.decisions.
    decision_items`, from the year's check rows) with the decision recorded in the manifest's
    sign-off (``years[<year>].signoff.decisions``, by item key) as Swedish text: ``None``
    while undecided, "Godtas" for accept, "Publiceras ändå: <skäl>" for an overrule.
    ``choices`` lists the undecided item's choices to tick, ``{"text", "reason"}`` each
    (``reason``: the choice needs a written reason, :data:`CHOICE_TEXTS_SV`)."""
    from pipelines.decisions import decision_items

    items = decision_items(
        check_rows,
        check_titles={k: t.title for k, t in {**STRUCTURAL_TEXTS, **QUALITY_TEXTS}.items()},
    )
    entry = (manifest.get("years") or {}).get(str(year)) or {}
    signoff = (entry.get("signoff") or {}) if entry.get("status") == SIGNED_OFF else {}
    recorded = {d.get("item"): d for d in signoff.get("decisions") or []}
    out = []
    for item in items:
        decided = recorded.get(item.key)
        decision = decision_text(item.kind == "withheld", decided)
        out.append(
            {
                "key": item.key,
                "title": item.title,
                "subjects": ", ".join(item.subjects),
                "withheld": item.kind == "withheld",
                "choices": [
                    {"text": CHOICE_TEXTS_SV[(choice, item.kind == "withheld")],
                     "reason": choice == OVERRULE}
                    for choice in item.choices
                ],
                "decision": decision,
                "overruled": bool(decided) and decided.get("decision") == OVERRULE,
                "reason": (decided or {}).get("reason") or "",
            }
        )
    return out


def organisation_counts(check_rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Organisations per status over the checks per organisation (response rate, respondents,
    respondents within invited): each organisation once, with its worst status (``fel`` >
    ``varning`` > ``okänd`` > ``godkänd``; an unknown response rate is not a pass)."""
    rank = {"godkänd": 0, "okänd": 1, "varning": 2, "fel": 3}
    worst: dict[str, str] = {}
    for r in check_rows:
        if r.get("check_kind") == "structural" or not r.get("organisation_code"):
            continue
        if r.get("target_group") and r["check_name"] == "respondents_within_invited":
            status = r["status"] if r["status"] == "fel" else "godkänd"
        else:
            status = r["status"]
        code = r["organisation_code"]
        if rank.get(status, 0) >= rank.get(worst.get(code, "godkänd"), 0):
            worst[code] = status
    return {s: sum(1 for v in worst.values() if v == s) for s in STATUSES}


def _org_label(row: Mapping[str, Any], names: Mapping[str, str]) -> str:
    code = row.get("organisation_code")
    return row.get("organisation_name") or names.get(code) or code or "–"


def _withheld(
    rows: Sequence[Mapping[str, Any]],
    names: Mapping[str, str],
    group_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Organisations the checks withhold (:func:`pipelines.decisions.failing_organisations`),
    each with the Swedish reasons of its withholding failures (a ``fel`` of a check outside
    ``withholding_checks`` is no reason) and the sentence "Resultaten för X publiceras inte:
    …"."""
    failing = failing_organisations(rows)
    out = []
    for code, checks in failing.items():
        reasons = []
        org_rows = [r for r in rows if r["organisation_code"] == code and r["status"] == "fel"
                    and r["check_name"] in checks]
        label = next((_org_label(r, names) for r in org_rows), names.get(code, code))
        for r in org_rows:
            if r["check_name"] == "response_rate" and r["observed"] is not None:
                limit = r["fail_threshold"]
                rate = (
                    format_percent_against(r["observed"], limit)
                    if limit is not None
                    else (format_percent(r["observed"]))
                )
                reasons.append(
                    f"svarsfrekvensen {rate} är under gränsen {format_threshold(limit)}"
                    + (
                        f" ({format_int(r['numerator'])} av "
                        f"{format_count(r['denominator'], 'inbjuden', 'inbjudna')} svarade)"
                        if r.get("denominator")
                        else ""
                    )
                )
            elif r["check_name"] == "min_respondents":
                answered = ("ingen" if r["observed"] == 0
                            else format_count(r["observed"], "person", "personer"))
                reasons.append(
                    f"{answered} svarade, minst {format_int(r['fail_threshold'])} krävs"
                )
            elif r["check_name"] == "respondents_within_invited":
                group = group_names.get(r["target_group"], r["target_group"])
                reasons.append(
                    f"fler svarande än inbjudna i målgruppen {group} "
                    f"({format_int(r['numerator'])} svarande, "
                    f"{format_count(r['denominator'], 'inbjuden', 'inbjudna')})"
                )
        if not reasons:  # a fel row without numbers
            reasons = [f"kontrollen {c} gav fel" for c in checks]
        if len(reasons) > 1:
            joined = ", ".join(reasons[:-1]) + " och " + reasons[-1]
        else:
            joined = reasons[0]
        out.append(
            {
                "code": code,
                "name": label,
                "checks": checks,
                "reasons": reasons,
                "sentence": f"Resultaten för {label} publiceras inte: {joined}.",
            }
        )
    return out


def overrule_sentence(withheld: Mapping[str, Any], reason: str) -> str:
    """The year page's sentence for an organisation whose withholding the council overruled:
    "Resultaten för X publiceras genom rådets beslut, trots att <the checks' reasons>. Rådets skäl:
    <reason>." (``withheld``: one entry of :func:`_withheld`)."""
    reasons = list(withheld["reasons"])
    joined = ", ".join(reasons[:-1]) + " och " + reasons[-1] if len(reasons) > 1 else reasons[0]
    return (
        f"Resultaten för {withheld['name']} publiceras genom rådets beslut, trots att {joined}. "
        f"Rådets skäl: {reason.rstrip('.')}."
    )


def _cell_for(rate_row: Mapping[str, Any] | None, warn: float | None, fail: float | None) -> Cell:
    """A target group's response-rate cell, marked with the year's thresholds."""
    if rate_row is None:
        return Cell("–", "", "ingen inbjudan och inga svar")
    invited, respondents = rate_row.get("invited"), rate_row.get("respondents") or 0
    method = rate_row.get("invitation_method")
    known = rate_row.get("rate_status") == "known" and rate_row.get("response_rate") is not None
    if not known:
        if method == "link":
            why = "länk"
        elif method is None:
            why = "ej inbjudna"
        else:
            why = "0 inbjudna"
        return Cell("okänd", "okänd", f"{format_int(respondents)} svar, {why}")
    rate = float(rate_row["response_rate"])
    if invited is not None and respondents > invited:
        status = "fel"
    elif fail is not None and rate < fail:
        status = "fel"
    elif warn is not None and rate < warn:
        status = "varning"
    else:
        status = "godkänd"
    return Cell(format_percent(rate), status, f"{format_int(respondents)} av {format_int(invited)}")


def _rate_table(
    rate_rows: Sequence[Mapping[str, Any]],
    quality_rows: Sequence[Mapping[str, Any]],
    organisations: Sequence[Mapping[str, Any]],
    group_names: Mapping[str, str],
    warn: float | None,
    fail: float | None,
) -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
    groups_present = {r["target_group"] for r in rate_rows}
    order = [g for g in TARGET_GROUP_ORDER if g in groups_present] + sorted(
        groups_present - set(TARGET_GROUP_ORDER)
    )
    for r in rate_rows:
        if r.get("target_group_name_sv"):
            group_names = {**group_names, r["target_group"]: r["target_group_name_sv"]}
    columns = [
        {
            "code": g,
            "name": TARGET_GROUP_HEADS[g]
            if g in TARGET_GROUP_HEADS
            and group_names.get(g) == TARGET_GROUP_HEADS[g].replace(SHY, "")
            else group_names.get(g, g),
        }
        for g in order
    ]

    org_rate = {
        r["organisation_code"]: r for r in quality_rows if r["check_name"] == "response_rate"
    }
    org_min = {
        r["organisation_code"]: r for r in quality_rows if r["check_name"] == "min_respondents"
    }
    by_cell = {(r["organisation_code"], r["target_group"]): r for r in rate_rows}
    codes = {r["organisation_code"] for r in rate_rows} | set(org_rate)
    org_info = {o["organisation_code"]: o for o in organisations}

    def display_name(code: str) -> str:
        info = org_info.get(code, {})
        name = info.get("organisation_short_name") or info.get("organisation_name")
        if not name:
            name = (
                next(
                    (
                        r.get("organisation_name")
                        for r in rate_rows
                        if r["organisation_code"] == code
                    ),
                    None,
                )
                or (org_rate.get(code) or {}).get("organisation_name")
                or code
            )
        return name

    def sort_key(code: str):
        info = org_info.get(code, {})
        return (
            0 if info.get("organisation_type", "kommun") == "kommun" else 1,
            swedish_sort_key(display_name(code)),
            code,
        )

    rows = []
    for code in sorted(codes, key=sort_key):
        name = display_name(code)
        cells = [_cell_for(by_cell.get((code, g)), warn, fail) for g in order]
        total_row = org_rate.get(code)
        if total_row is None:
            total = Cell("–", "", "")
        elif total_row["observed"] is None:
            total = Cell("okänd", total_row["status"], f"{format_int(total_row['numerator'])} svar")
        else:
            total = Cell(
                format_percent(total_row["observed"]),
                total_row["status"],
                f"{format_int(total_row['numerator'])} av {format_int(total_row['denominator'])}",
            )
        min_row = org_min.get(code)
        respondents = (
            min_row["observed"]
            if min_row is not None
            else sum(r.get("respondents") or 0 for r in rate_rows if r["organisation_code"] == code)
        )
        rows.append(
            {
                "code": code,
                "name": name,
                "cells": cells,
                "total": total,
                "respondents": format_int(respondents),
                "respondents_status": min_row["status"] if min_row is not None else "",
            }
        )
    return columns, rows


def place_words(text: str, place: Population) -> str:
    """``text`` with the population's words in place of ``{name}``, ``{genitive}`` and
    ``{members}`` (:class:`pipelines.reports.data.Population`: "länet"/"riket", "länets"/
    "rikets", "kommuner och regionen"/"kommuner och regioner"); other braces (a rule's
    ``{warn}``) are left for their own formatting."""
    return (text.replace("{name}", place.name).replace("{genitive}", place.genitive)
            .replace("{members}", place.members))


def _year_view(
    year: int,
    check_rows: Sequence[Mapping[str, Any]],
    rate_rows: Sequence[Mapping[str, Any]],
    organisations: Sequence[Mapping[str, Any]],
    items: Mapping[str, Mapping[str, Any]],
    group_names: Mapping[str, str],
    manifest: Mapping[str, Any],
    gx_link: str | None,
    has_rate_table: bool,
    place: Population,
) -> YearView:
    names = {o["organisation_code"]: o.get("organisation_name") for o in organisations}
    structural_rows = [r for r in check_rows if r["check_kind"] == "structural"]
    quality_rows = [r for r in check_rows if r["check_kind"] != "structural"]

    counts = {s: sum(1 for r in check_rows if r["status"] == s) for s in STATUSES}
    check_status: dict[str, str] = {}

    structural = []
    for name, rows, text, status in _checks_in_order(
        structural_rows, [c.name for c in RAW_CHECKS], STRUCTURAL_TEXTS
    ):
        check_status[name] = status
        observed = rows[0]["observed"]
        structural.append(
            {
                "name": name,
                "title": text.title,
                "what": place_words(text.what, place),
                "why": place_words(text.why, place),
                "rule": text.rule,
                "status": status,
                "observed": format_int(observed) if observed is not None else "",
                "finding": finding_text(name, status, observed),
            }
        )

    quality = []
    withholding = withholding_checks()
    for name, rows, text, status in _checks_in_order(quality_rows, list(QUALITY_TEXTS), QUALITY_TEXTS):
        check_status[name] = status
        row_counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
        flagged = [r for r in rows if r["status"] in ("fel", "varning", "okänd")]
        flagged.sort(key=lambda r: (-STATUS_SEVERITY[r["status"]], _org_label(r, names)))
        details = [_detail(name, r, names, group_names, items) for r in flagged]
        quality.append(
            {
                "name": name,
                "title": text.title,
                "what": place_words(text.what, place),
                "why": place_words(_text_with_thresholds(text.why, rows, name), place),
                "rule": _rule_text(name, text, rows),
                "status": status,
                "counts": row_counts,
                "scope": _scope_word(name, len(rows)),
                "details": details,
                "withholds": name in withholding,
            }
        )

    rate = next((r for r in quality_rows if r["check_name"] == "response_rate"), None)
    warn = rate["warn_threshold"] if rate else None
    fail = rate["fail_threshold"] if rate else None
    if warn is None or fail is None:
        declared = dbt_project_vars()["quality_thresholds"]["response_rate"]
        warn = declared["warn_below"] if warn is None else warn
        fail = declared["fail_below"] if fail is None else fail
    columns, table = _rate_table(rate_rows, quality_rows, organisations, group_names, warn, fail)
    rate_note = (
        f"Markeringen per målgrupp följer samma gränser som kontrollen (varning under "
        f"{format_threshold(warn)}, fel under {format_threshold(fail)}) och visar var svaren "
        "saknas. Om en organisations resultat publiceras avgörs av dess totala svarsfrekvens "
        "(kolumnen Totalt) och antalet svarande."
        if has_rate_table
        else "Tabellen response_rates saknas i den här publiceringen."
    )

    dk_rows = [r for r in quality_rows if r["check_name"] == "dont_know_share"]
    dk_sorted = sorted(
        (r for r in dk_rows if r["observed"] is not None),
        key=lambda r: (-r["observed"], r["item_code"] or ""),
    )
    shown = [r for r in dk_sorted if r["status"] == "varning"]
    if len(shown) < TOP_DONT_KNOW_ITEMS:
        shown = dk_sorted[:TOP_DONT_KNOW_ITEMS]
    dont_know = [
        {
            "item_code": r["item_code"],
            "text": (items.get(r["item_code"]) or {}).get("item_text_sv") or "",
            "category": (items.get(r["item_code"]) or {}).get("category_name_sv") or "",
            "share": format_percent(r["observed"], 1),
            "numbers": f"{format_int(r['numerator'])} av {format_int(r['denominator'])}",
            "status": r["status"],
        }
        for r in shown
    ]
    nonresponse = [
        _detail("item_nonresponse", r, names, group_names, items)
        for r in sorted(
            (r for r in quality_rows if r["check_name"] == "item_nonresponse"
             and r["status"] != "godkänd"),
            key=lambda r: (-(r["observed"] or 0), r["item_code"] or ""),
        )
    ]  # fmt: skip
    decisions = decision_view(check_rows, manifest, year)
    overruled = {d["key"].split(":", 1)[1]: d["reason"] for d in decisions if d["overruled"]}
    failing = _withheld(quality_rows, names, group_names)
    withheld = [w for w in failing if w["code"] not in overruled]
    published_by_decision = [
        {**w, "reason": overruled[w["code"]], "sentence": overrule_sentence(w, overruled[w["code"]])}
        for w in failing if w["code"] in overruled
    ]  # fmt: skip
    for check in quality:  # a fel the council overruled says so where it is listed
        for detail in check["details"]:
            detail["decided"] = (check["withholds"] and detail["status"] == "fel"
                                 and detail["code"] in overruled)  # fmt: skip
    return YearView(
        year=year,
        place=place,
        review=review_state(manifest, year),
        counts=counts,
        structural=structural,
        quality=quality,
        check_status=check_status,
        withheld=withheld,
        published_by_decision=published_by_decision,
        rate_columns=columns,
        rate_rows=table,
        rate_note=rate_note,
        dont_know=dont_know,
        dont_know_total=len(dk_rows),
        nonresponse=nonresponse,
        gx_link=gx_link,
        thresholds={
            "warn": format_threshold(warn),
            "fail": format_threshold(fail),
            "dont_know": _first_threshold(quality_rows, "dont_know_share"),
            "blank": _first_threshold(quality_rows, "item_nonresponse"),
        },
        has_results=bool(check_rows),
        structural_status=worst_status(s["status"] for s in structural),
        decisions=decisions,
        organisation_counts=organisation_counts(quality_rows),
    )


def _checks_in_order(
    rows: Sequence[Mapping[str, Any]], known: Sequence[str], texts: Mapping[str, CheckText]
) -> list[tuple[str, list[Mapping[str, Any]], CheckText, str]]:
    """The checks of ``rows``, the ``known`` ones first in that order and any other by name,
    each as ``(name, its rows, its Swedish text, its worst status)``; checks without rows
    are left out, a check without a text gets "Ingen förklaring finns ännu."."""
    names = list(known) + sorted({r["check_name"] for r in rows} - set(known))
    out = []
    for name in names:
        check_rows = [r for r in rows if r["check_name"] == name]
        if check_rows:
            text = texts.get(name) or CheckText(name, "Ingen förklaring finns ännu.", "", "")
            out.append((name, check_rows, text, worst_status(r["status"] for r in check_rows)))
    return out


def _first_threshold(rows: Sequence[Mapping[str, Any]], check: str) -> str:
    """The warning threshold recorded on ``check``'s rows, as a percentage ("?" if none)."""
    value = next(
        (r["warn_threshold"] for r in rows
         if r["check_name"] == check and r.get("warn_threshold") is not None),
        None,
    )  # fmt: skip
    return format_threshold(value)


def _scope_word(check: str, n: int) -> str:
    if check in ("response_rate", "min_respondents"):
        return format_count(n, "organisation", "organisationer")
    if check == "respondents_within_invited":
        return format_count(n, "kombination", "kombinationer") + " av organisation och målgrupp"
    return format_count(n, "påstående", "påståenden")


def _detail(
    check: str,
    row: Mapping[str, Any],
    names: Mapping[str, str],
    group_names: Mapping[str, str],
    items: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """One flagged result row as ``{"subject", "value", "status", "code", "decided"}`` for a
    check's table (``code``: the row's organisation, if any; ``decided``: set by
    :func:`_year_view` when the council overruled the withholding this ``fel`` caused)."""
    if row.get("item_code"):
        item = items.get(row["item_code"]) or {}
        subject = row["item_code"] + (
            f" – {item['item_text_sv']}" if item.get("item_text_sv") else ""
        )
    else:
        subject = _org_label(row, names)
        if row.get("target_group"):
            subject += f", {group_names.get(row['target_group'], row['target_group'])}"
    observed = row.get("observed")
    if check == "min_respondents":
        value = f"{format_int(observed)} svarande"
    elif check == "respondents_within_invited":
        value = (
            f"{format_int(row['numerator'])} svarande, "
            f"{format_count(row['denominator'], 'inbjuden', 'inbjudna')}"
            if row.get("denominator") is not None
            else f"{format_int(row['numerator'])} svarande, antal inbjudna okänt (länk)"
        )
    elif observed is None:
        value = "okänd" + (" (inbjudan via länk)" if check == "response_rate" else "")
    else:
        decimals = 0 if check == "response_rate" else 1
        value = format_percent(observed, decimals)
        if row.get("denominator"):
            value += f" ({format_int(row['numerator'])} av {format_int(row['denominator'])})"
    return {"subject": subject, "value": value, "status": row["status"],
            "code": row.get("organisation_code"), "decided": False}


# --------------------------------------------------------------------------------------
# Rendering


def _environment():
    return template_environment(
        STATUS_SYMBOL=STATUS_SYMBOL,
        STATUS_CLASS=STATUS_CLASS,
        STATUSES=STATUSES,
        STATUS_TEXTS=STATUS_TEXTS,
    )


def _load(snapshot_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and the tables the report reads, from a snapshot folder, by contract
    (:class:`pipelines.reports.snapshot.SnapshotReader`: a missing table or column is a
    ``SnapshotContractError``)."""
    with SnapshotReader(snapshot_dir) as snapshot:
        checks = snapshot.rows(
            "quality_check_results",
            ("survey_year", "check_name", "check_kind", "organisation_code",
             "organisation_name", "target_group", "item_code", "status", "observed",
             "numerator", "denominator", "warn_threshold", "fail_threshold", "threshold"),
        )  # fmt: skip
        checks.sort(
            key=lambda r: (
                r["survey_year"], r["check_name"],
                *((r[c] is not None, r[c] or "") for c in
                  ("organisation_code", "target_group", "item_code")),
            )
        )  # fmt: skip
        data: dict[str, Any] = {
            "checks": checks,
            "rates": snapshot.rows(
                "response_rates", order_by=("survey_year", "organisation_code", "target_group")
            ),
            "organisations": snapshot.rows("organisations"),
            "items": snapshot.rows("instrument_items"),
            "item_versions": {
                int(r["survey_year"]): r["instrument_version"]
                for r in snapshot.rows("dont_know_by_item", ("survey_year", "instrument_version"))
            },
            "consistency": snapshot.rows(
                "internal_consistency_by_category",
                order_by=("survey_year", "dimension_code", "category_code"),
            ),
            # published since within-organisation alpha exists; older snapshots lack it
            "consistency_by_organisation": snapshot.rows(
                "internal_consistency_by_organisation",
                order_by=("survey_year", "organisation_code", "category_code"),
            )
            if snapshot.has_table("internal_consistency_by_organisation")
            else [],
        }
        manifest = snapshot.manifest
    return manifest, data


def _items_for_year(
    items: Sequence[Mapping[str, Any]], version: str | None
) -> dict[str, Mapping[str, Any]]:
    """Codebook rows by item code for the year's instrument version (any version when the
    version is unknown; an item code means the same item in every version)."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for item in sorted(items, key=lambda i: str(i.get("instrument_version"))):
        if version is None or item.get("instrument_version") == version:
            chosen[item["item_code"]] = item
        else:
            chosen.setdefault(item["item_code"], item)
    return chosen


def consistency_view(rows: Sequence[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """Rows of the mart ``internal_consistency_by_category`` for one year as the year
    page shows them: category name, items, respondents, alpha (``format_alpha``) and a plain
    verdict: ``under gränsen`` below the configured threshold, ``godtagbar`` at or above it,
    ``kan inte beräknas`` when alpha is null. Returns the rows and the threshold as text."""
    out = []
    threshold = ""
    order = _seed_category_order()
    for r in sorted(rows, key=lambda r: order.get(r.get("category_code"), len(order))):
        threshold = format_number(r.get("cronbach_alpha_threshold"), 2)
        below = r.get("is_cronbach_alpha_below_threshold")
        if is_missing(r.get("cronbach_alpha")):
            verdict = "kan inte beräknas"
        else:
            verdict = "under gränsen" if below else "godtagbar"
        out.append(
            {
                "category": r.get("category_name_sv") or r.get("category_code"),
                "item_count": format_int(r.get("items_in_category")),
                "respondents": format_int(r.get("respondents")),
                "alpha": format_number(r.get("cronbach_alpha"), 2),
                "verdict": verdict,
                "below": bool(below) and not is_missing(below),
            }
        )
    return out, threshold


def _alpha_hidden_note(row: Mapping[str, Any], min_cell_respondents: int) -> str:
    """Why a within-organisation alpha is not shown, in Swedish, from the mart's
    ``suppression_reason`` and the limit behind it: the row's own ``min_alpha_respondents``
    (the dbt var) or the disclosure minimum ``min_cell_respondents``. Raises ``ValueError``
    for a reason outside the mart's vocabulary (internal_consistency_by_organisation.yml)."""
    limit = format_int(row.get("min_alpha_respondents"))
    notes = {
        "results withheld": "ej publicerat",
        f"fewer than {min_cell_respondents} respondents": f"färre än {min_cell_respondents} svarande",
        f"fewer than {limit} respondents behind a covariance": f"färre än {limit} svarande",
    }
    reason = row.get("suppression_reason")
    if reason not in notes:
        raise ValueError(
            f"internal_consistency_by_organisation: unknown suppression_reason {reason!r} "
            f"(expected one of {sorted(notes)})"
        )
    return notes[reason]


def consistency_by_organisation_view(
    rows: Sequence[Mapping[str, Any]],
    organisations: Sequence[Mapping[str, Any]],
    min_cell_respondents: int | None = None,
) -> dict[str, Any] | None:
    """Rows of the mart ``internal_consistency_by_organisation`` for one year as the year
    page's table: one row per organisation (municipalities by name, then the region), one
    column per category in the model's order. A cell is alpha with its interval
    (``"0,55 (0,42–0,66)"``, Swedish decimals) or, when alpha is not published, SCB's ".."
    with the reason (:func:`_alpha_hidden_note`): ``färre än N svarande`` (N = the row's
    ``min_alpha_respondents``, or ``min_cell_respondents``: the disclosure minimum the build
    used, recorded as the failing level of the check ``min_respondents``; the dbt var when
    None), ``ej publicerat`` (results withheld), ``kan inte beräknas`` (no variance). Returns
    ``{"categories", "rows", "min_respondents", "shown", "cells"}``, or None without rows."""
    if not rows:
        return None
    order = _seed_category_order()
    categories = sorted(
        {(r["category_code"], r.get("category_name_sv") or r["category_code"]) for r in rows},
        key=lambda c: (order.get(c[0], len(order)), c[0]),
    )
    info = {o["organisation_code"]: o for o in organisations}

    def name(code: str) -> str:
        o = info.get(code, {})
        return o.get("organisation_short_name") or o.get("organisation_name") or code

    def sort_key(code: str):
        kind = info.get(code, {}).get("organisation_type", "kommun")
        return (0 if kind == "kommun" else 1, swedish_sort_key(name(code)), code)

    if min_cell_respondents is None:
        min_cell_respondents = dbt_project_vars()["min_cell_respondents"]
    by_cell = {(r["organisation_code"], r["category_code"]): r for r in rows}
    min_n = format_int(next(iter(rows)).get("min_alpha_respondents"))
    out, shown = [], 0
    for code in sorted({r["organisation_code"] for r in rows}, key=sort_key):
        cells = []
        for category, _ in categories:
            r = by_cell.get((code, category))
            if r is None:
                cells.append({"text": "..", "note": ""})
                continue
            if not is_missing(r.get("cronbach_alpha")):
                shown += 1
                interval = format_interval(
                    r.get("cronbach_alpha_ci_lower"), r.get("cronbach_alpha_ci_upper"), 2
                )
                cells.append({
                    "text": format_number(r["cronbach_alpha"], 2),
                    "note": f"({interval})" if interval else "",
                })
            elif r.get("cronbach_alpha_suppressed"):
                cells.append({"text": "..", "note": _alpha_hidden_note(r, min_cell_respondents)})
            else:
                cells.append({"text": "..", "note": "kan inte beräknas"})
        out.append({"name": name(code), "cells": cells})
    return {
        "categories": [c[1] for c in categories],
        "rows": out,
        "min_respondents": min_n,
        "shown": shown,
        "cells": sum(len(r["cells"]) for r in out),
    }


def build_quality_report(snapshot_dir: Path) -> list[Path]:
    """Write the council's quality report into ``snapshot_dir/quality/``.

    Reads ``snapshot_dir/mognad.duckdb`` read-only (tables ``quality_check_results``,
    required; ``response_rates``, ``organisations``, ``instrument_items``,
    ``dont_know_by_item``, optional) and ``snapshot_dir/manifest.json`` (optional: the
    years' review status, ``years[<year>]`` as written by
    :func:`pipelines.signoff.manifest_year_entry`; snapshot id and time). Years are those
    with check results plus those listed in the manifest.

    Writes ``quality/index.html`` and ``quality/<year>.html`` per year (UTF-8, replaced
    atomically, so a rebuild after a sign-off is safe while someone reads the old page) and
    returns their paths, index first, then years ascending. Links to
    ``gx/<year>/index.html`` (relative) only when ``quality/gx/<year>/index.html`` exists.

    Raises ``FileNotFoundError`` when the database is missing and ``ValueError`` when it has
    no ``quality_check_results`` table.
    """
    snapshot_dir = Path(snapshot_dir)
    manifest, data = _load(snapshot_dir)
    out_dir = snapshot_dir / QUALITY_DIR
    manifest_years = {int(y) for y in (manifest.get("years") or {}) if str(y).isdigit()}
    years = sorted({int(r["survey_year"]) for r in data["checks"]} | manifest_years)
    group_names = _seed_target_group_names()

    env = _environment()
    check_titles = {k: t.title for k, t in {**STRUCTURAL_TEXTS, **QUALITY_TEXTS}.items()}
    gx_pages = []
    for year in years:
        results = out_dir / "gx" / str(year) / GX_RESULTS_DIR
        if results.is_dir():
            gx_pages.append(
                render_page(
                    env,
                    "council/gx.html.j2",
                    out_dir / "gx" / str(year) / "index.html",
                    year=year,
                    tables=results_view(latest_results(results), check_titles),
                    snapshot_id=manifest.get("snapshot_id") or snapshot_dir.name,
                )
            )

    # data.py reads this module's review texts, so its population rule is imported here
    from pipelines.reports.data import population_of

    population = population_of(o.get("county_code") for o in data["organisations"])
    views = []
    for year in years:
        version = ((manifest.get("years") or {}).get(str(year)) or {}).get(
            "instrument_version"
        ) or data["item_versions"].get(year)
        gx_index = out_dir / "gx" / str(year) / "index.html"
        views.append(
            _year_view(
                year,
                [r for r in data["checks"] if int(r["survey_year"]) == year],
                [r for r in (data["rates"] or []) if int(r["survey_year"]) == year],
                data["organisations"],
                _items_for_year(data["items"], version),
                group_names,
                manifest,
                f"gx/{year}/index.html" if gx_index.is_file() else None,
                data["rates"] is not None,
                population,
            )
        )
        views[-1].consistency, views[-1].consistency_threshold = consistency_view(
            [r for r in data["consistency"] if int(r["survey_year"]) == year]
        )
        views[-1].consistency_by_organisation = consistency_by_organisation_view(
            [r for r in data["consistency_by_organisation"] if int(r["survey_year"]) == year],
            data["organisations"],
            next(
                (int(r["fail_threshold"]) for r in data["checks"]
                 if int(r["survey_year"]) == year and r["check_name"] == "min_respondents"
                 and r.get("fail_threshold") is not None),
                None,
            ),
        )

    check_columns = [{"name": name, "title": text.title} for name, text in QUALITY_TEXTS.items()]
    common = {
        "snapshot_id": manifest.get("snapshot_id") or snapshot_dir.name,
        "created_at": format_datetime(manifest.get("created_at"))
        if manifest.get("created_at")
        else "–",
        "code_version": manifest.get("code_version") or "–",
        "years": [v.year for v in views],
    }
    written = []
    index_path = out_dir / "index.html"
    render_page(
        env,
        "council/index.html.j2",
        index_path,
        views=views,
        check_columns=check_columns,
        page_year=None,
        **common,
    )
    written.append(index_path)
    for view in views:
        path = out_dir / f"{view.year}.html"
        render_page(env, "council/year.html.j2", path, view=view, page_year=view.year, **common)
        written.append(path)
    return written
