"""The statistical model behind the synthetic survey data.

Everything here is invented for the sample; nothing is an estimate of real results. The
model is built so that the pipeline's outputs are worth reading:

* every organisation has a latent **capability** and **legacy** level on 0–100 (domain doc,
  "The survey model"); levels are spread over roughly 30–75 so that all four quadrant types
  A–D (cut at 50/50, domain doc project choice) occur across organisations and years;
* levels move with a modest yearly trend (+1 to +4.5 points for most organisations, flat or
  falling for about one in five);
* organisations have their own profile over the six categories (the spider chart shape),
  departments differ a little, target groups differ (elected representatives answer more
  positively and more often "vet ej"; system owners are more critical of technical debt);
* an answer is an integer 1–5 drawn around ``1 + 4 * level / 100``; for reverse-coded
  items (negative statements, ``reverse_coded = true`` in the codebook) the ticked value is
  mirrored so that a HIGH raw answer means LOW maturity;
* "vet ej" (3–15 % overall, varying by item, target group and respondent) and blanks
  (about 1–3 %) are drawn separately; they are different things (domain doc, scoring §3).

Randomness: each quantity is drawn from its own ``numpy.random.Generator`` seeded by
``(seed, purpose tag, year, organisation number)``, so one fixed seed gives identical data
and adding synthetic organisations or years does not change the reference organisations.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .reference import Category, Item, Organisation

#: First survey year of the model (domain doc: measurements began in 2018).
FIRST_YEAR = 2018

#: Sentinel stored in ``Respondent.answers`` for a "vet ej" answer.
DONT_KNOW = "dont_know"

# Purpose tags that keep the random streams apart (any distinct integers).
_TAG_QUADRANTS = 1
_TAG_ORGANISATION = 2
_TAG_ORGANISATION_YEAR = 3
_TAG_RESPONDENTS = 4
_TAG_INVITATIONS = 5
_TAG_ITEMS = 6

#: Share of respondents per target group (contract §1 codes).
TARGET_GROUP_WEIGHTS: dict[str, float] = {
    "fortroendevalda": 0.20,
    "kommunledning": 0.08,
    "forvaltningsledning": 0.30,
    "strateger": 0.20,
    "systemansvariga": 0.22,
}

#: Level offset per target group, in points on 0–100 (weighted mean close to 0).
GROUP_LEVEL_OFFSET: dict[str, float] = {
    "fortroendevalda": 6.0,
    "kommunledning": 3.0,
    "forvaltningsledning": 0.0,
    "strateger": -2.0,
    "systemansvariga": -4.0,
}

#: Base probability of "vet ej" per target group before item and respondent factors.
GROUP_DONT_KNOW: dict[str, float] = {
    "fortroendevalda": 0.14,
    "kommunledning": 0.07,
    "forvaltningsledning": 0.05,
    "strateger": 0.03,
    "systemansvariga": 0.04,
}

#: Mean respondents per year and the allowed range, per reference organisation code.
#: Counts grow with organisation size (Jönköping 120–150, the region 100–150, the small
#: municipalities Aneby, Mullsjö, Gnosjö and Sävsjö 15–30).
REFERENCE_RESPONDENTS: dict[str, tuple[float, int, int]] = {
    "0680": (135.0, 120, 150),  # Jönköping
    "06": (125.0, 100, 150),  # Region Jönköpings län
    "0683": (60.0, 48, 72),  # Värnamo
    "0682": (55.0, 44, 66),  # Nässjö
    "0662": (55.0, 44, 66),  # Gislaved
    "0685": (50.0, 40, 60),  # Vetlanda
    "0687": (42.0, 34, 50),  # Tranås
    "0686": (40.0, 32, 48),  # Eksjö
    "0665": (34.0, 27, 41),  # Vaggeryd
    "0643": (32.0, 26, 38),  # Habo
    "0684": (24.0, 15, 30),  # Sävsjö
    "0617": (22.0, 15, 30),  # Gnosjö
    "0642": (20.0, 15, 30),  # Mullsjö
    "0604": (19.0, 15, 30),  # Aneby
}

#: Departments (förvaltningar) a municipality chooses 4–6 from; the first is always present.
MUNICIPAL_DEPARTMENTS: tuple[str, ...] = (
    "Kommunledningskontoret",
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Serviceförvaltningen",
)

#: The region's departments.
REGION_DEPARTMENTS: tuple[str, ...] = (
    "Regionledningskontoret",
    "Folkhälsa och sjukvård",
    "Regional utveckling",
    "Verksamhetsstöd och service",
)

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Ingrid", "Emma", "Malin",
    "Åsa", "Linnéa", "Sofia", "Helena", "Jenny", "Ulrika", "Märta", "Frida", "Annika", "Elin",
    "Lars", "Anders", "Johan", "Per", "Erik", "Mikael", "Karl", "Peter", "Björn", "Jonas",
    "Magnus", "Stefan", "Göran", "Mats", "Ulf", "Håkan", "Örjan", "Fredrik", "Daniel", "André",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Lind", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Sjöström", "Åberg",
    "Lindén", "Bäckström", "Ekström", "Öberg", "Holmgren", "Sandberg", "Forsberg", "Wallin",
    "Engström", "Hedlund", "Nyström", "Björk", "Dahlgren", "Strand", "Bergqvist",
)  # fmt: skip

#: Free-text comments (2018 has a comment column). Include cp1252-only characters
#: (– … “ ” é) and separators that must be quoted.
COMMENTS: tuple[str, ...] = (
    "Bra enkät – men lite lång.",
    "Svårt att svara för hela förvaltningen – det skiljer mycket mellan enheterna.",
    "Jag är ny i rollen, därför många vet ej.",
    "Idé: följ upp resultaten på nästa ledningsgruppsmöte.",
    "Vi har nyligen bytt e-tjänsteplattform… svårt att bedöma än.",
    "Frågorna om “öppna data” var svåra att förstå.",
    "Bra initiativ; hoppas att vi får se resultaten per förvaltning.",
    "Café-samtalen om digitalisering borde fortsätta.",
    "IT-avdelningen gör ett bra jobb – men resurserna räcker inte.",
    "Svarade utifrån min egen enhet, inte hela kommunen.",
)

_WINDOW_DAYS = 21  # the survey is open three weeks from the first Monday of October


@dataclass(frozen=True)
class OrgProfile:
    """Latent, year-independent description of one organisation.

    Levels and offsets are points on the 0–100 scale; ``capability_trend`` and
    ``legacy_trend`` are points per year; ``response_rate`` is a share (0.40–0.90).
    """

    organisation: Organisation
    quadrant: str
    capability_base: float
    legacy_base: float
    capability_trend: float
    legacy_trend: float
    category_offsets: dict[str, float]
    departments: tuple[str, ...]
    department_offsets: dict[str, float]
    respondents_mean: float
    respondents_bounds: tuple[int, int]
    response_rate: float
    dont_know_factor: float

    @property
    def number(self) -> int:
        """The organisation code as an integer, used to seed its random streams."""
        return int(self.organisation.code)


@dataclass
class Respondent:
    """One synthetic respondent of one year.

    ``answers`` maps item code to the value as ticked: an ``int`` on the item's scale
    (already mirrored for reverse-coded items), ``DONT_KNOW`` for "vet ej", or ``None`` for
    a blank. ``organisation_label`` is the spelling the export shows (official name, short
    name, alias from the seed, or a case/space variant of the official name).
    ``running_id`` is assigned after all respondents of the year are sorted by time.
    """

    year: int
    organisation_code: str
    organisation_label: str
    target_group: str
    department: str | None
    name: str
    email: str
    comment: str | None
    submitted_at: dt.datetime
    answers: dict[str, int | str | None] = field(default_factory=dict)
    running_id: str = ""


@dataclass(frozen=True)
class Invitation:
    """One row of ``invitations.csv`` (contract §2); ``invited`` is None for ``link``."""

    organisation_code: str
    target_group: str
    invited: int | None
    invitation_method: str


def instrument_version(year: int) -> str:
    """Return the instrument version used in ``year`` (contract §1: v2018 for 2018–2019,
    v2020 from 2020). Raises ValueError for years before 2018."""
    if year < FIRST_YEAR:
        raise ValueError(f"the survey started in {FIRST_YEAR}; got year {year}")
    return "v2018" if year < 2020 else "v2020"


def _clamp(value, lo, hi):
    """``min(max(value, lo), hi)``: ``np.clip`` for one finite Python number, without the
    array round trip (it dominated generation time at national scale; same values)."""
    return min(max(value, lo), hi)


def _rng(seed: int, tag: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, tag, *keys])


#: Most synthetic organisations :func:`synthetic_organisations` can invent (six blocks of
#: 999 codes, 9001–9999 down to 4001–4999).
MAX_SYNTHETIC_ORGANISATIONS = 6 * 999


def synthetic_organisation_code(i: int) -> str:
    """The code of the ``i``-th invented organisation (1-based): ``9001``…``9999`` for the
    first 999, then ``8001``…``8999``, and so on down to ``4999``. Four digits, and no
    real SCB municipality code is above 2600, so they never collide with the register.
    Raises ValueError outside 1..``MAX_SYNTHETIC_ORGANISATIONS``."""
    if not 1 <= i <= MAX_SYNTHETIC_ORGANISATIONS:
        raise ValueError(f"synthetic organisation number must be 1..{MAX_SYNTHETIC_ORGANISATIONS}")
    block, k = divmod(i - 1, 999)
    return f"{(9 - block) * 1000 + k + 1:04d}"


def synthetic_organisations(n: int) -> list[Organisation]:
    """Return ``n`` invented municipalities outside the county, for scale tests.

    Codes from :func:`synthetic_organisation_code` (``9001``, ``9002``, …; after ``9999``
    the block ``8001``…), names ``Syntetisk kommun 001`` … (``1000`` and up with four
    digits), county code ``99``. They are not in the register seed: the generator writes
    them to ``synthetic_organisations.csv`` for appending. National scale (about 1,500
    organisations) fits. Raises ValueError unless
    0 <= n <= ``MAX_SYNTHETIC_ORGANISATIONS``.
    """
    if not 0 <= n <= MAX_SYNTHETIC_ORGANISATIONS:
        raise ValueError(
            f"synthetic organisations must be between 0 and {MAX_SYNTHETIC_ORGANISATIONS}, "
            f"got {n}"
        )
    return [
        Organisation(
            code=synthetic_organisation_code(i),
            name=f"Syntetisk kommun {i:03d}",
            short_name=f"Syntetisk {i:03d}",
            organisation_type="kommun",
            county_code="99",
        )
        for i in range(1, n + 1)
    ]


def build_profiles(
    organisations: Sequence[Organisation],
    categories: Sequence[Category],
    seed: int,
    respondents_mean: float | None = None,
) -> list[OrgProfile]:
    """Draw the latent profile of every organisation.

    Quadrants: the reference organisations (codes in ``REFERENCE_RESPONDENTS``) are put in a
    seeded random order and dealt the types A, B, C, D in turn, so each type has 3–4 of the
    14; other organisations draw a type at random. A "low" level is uniform on 32–46, a
    "high" one on 54–68 (project choice: cut at 50, domain doc). Category offsets (sd 6
    points) are centred within each dimension so they change the spider shape, not the
    dimension level.

    ``respondents_mean``: when given, every organisation's mean respondent count is scaled
    so the mean over organisations equals it, and the ranges become ±20 % of each mean.

    Returns profiles in the order of ``organisations``.
    """
    reference = [o for o in organisations if o.code in REFERENCE_RESPONDENTS]
    order = _rng(seed, _TAG_QUADRANTS).permutation(len(reference))
    dealt = {reference[k].code: "ABCD"[pos % 4] for pos, k in enumerate(order)}

    profiles: list[OrgProfile] = []
    for org in organisations:
        rng = _rng(seed, _TAG_ORGANISATION, int(org.code))
        quadrant = dealt.get(org.code) or str(rng.choice(list("ABCD")))
        high_cap = quadrant in ("C", "D")  # B: enabling legacy, low capability; C: the opposite
        high_leg = quadrant in ("B", "D")
        cap = rng.uniform(54, 68) if high_cap else rng.uniform(32, 46)
        leg = rng.uniform(54, 68) if high_leg else rng.uniform(32, 46)
        if rng.random() < 0.2:  # flat or falling
            trend = rng.uniform(-2.0, 0.5)
        else:
            trend = rng.uniform(1.0, 4.5)
        cap_trend = trend + rng.normal(0, 0.6)
        leg_trend = trend + rng.normal(0, 0.6)

        raw_offsets = {c.category_code: rng.normal(0, 6) for c in categories}
        offsets: dict[str, float] = {}
        for dim in {c.dimension_code for c in categories}:
            codes = [c.category_code for c in categories if c.dimension_code == dim]
            centre = float(np.mean([raw_offsets[c] for c in codes]))
            offsets.update({c: float(raw_offsets[c] - centre) for c in codes})

        if org.organisation_type == "region":
            departments = REGION_DEPARTMENTS
        else:
            n_dept = int(rng.integers(4, 7))  # 4–6
            others = list(rng.permutation(len(MUNICIPAL_DEPARTMENTS) - 1)[: n_dept - 1] + 1)
            departments = tuple(MUNICIPAL_DEPARTMENTS[i] for i in [0, *sorted(others)])
        dept_offsets = {d: float(rng.normal(0, 3)) for d in departments}

        if org.code in REFERENCE_RESPONDENTS:
            mean, lo, hi = REFERENCE_RESPONDENTS[org.code]
        else:
            mean = float(np.clip(rng.lognormal(math.log(40), 0.6), 12, 160))
            lo, hi = max(1, math.floor(mean * 0.8)), math.ceil(mean * 1.2)
        profiles.append(
            OrgProfile(
                organisation=org,
                quadrant=quadrant,
                capability_base=float(cap),
                legacy_base=float(leg),
                capability_trend=float(cap_trend),
                legacy_trend=float(leg_trend),
                category_offsets=offsets,
                departments=departments,
                department_offsets=dept_offsets,
                respondents_mean=mean,
                respondents_bounds=(lo, hi),
                response_rate=float(rng.uniform(0.45, 0.85)),
                dont_know_factor=float(rng.uniform(0.7, 1.3)),
            )
        )

    if respondents_mean is not None:
        if respondents_mean <= 0:
            raise ValueError(f"respondents_mean must be positive, got {respondents_mean}")
        scale = respondents_mean / float(np.mean([p.respondents_mean for p in profiles]))
        profiles = [_rescale(p, scale) for p in profiles]
    return profiles


def _rescale(profile: OrgProfile, scale: float) -> OrgProfile:
    mean = profile.respondents_mean * scale
    bounds = (max(1, math.floor(mean * 0.8)), max(1, math.ceil(mean * 1.2)))
    return OrgProfile(
        **{**profile.__dict__, "respondents_mean": mean, "respondents_bounds": bounds}
    )


def latent_level(profile: OrgProfile, dimension: str, year: int, seed: int) -> float:
    """Return the organisation's latent level (0–100) on ``dimension`` in ``year``.

    ``base + trend * (year - 2018) + shock``, where the shock (sd 1.5 points) is drawn per
    organisation, year and dimension. Raises ValueError for an unknown dimension.
    """
    if dimension == "capability":
        base, trend, k = profile.capability_base, profile.capability_trend, 0
    elif dimension == "legacy":
        base, trend, k = profile.legacy_base, profile.legacy_trend, 1
    else:
        raise ValueError(f"unknown dimension {dimension!r}")
    shocks = _rng(seed, _TAG_ORGANISATION_YEAR, year, profile.number).normal(0, 1.5, size=2)
    return float(np.clip(base + trend * (year - FIRST_YEAR) + shocks[k], 0, 100))


def item_offsets(items: Sequence[Item], seed: int) -> dict[str, float]:
    """Return a fixed "difficulty" offset (points, sd 4) per item code, the same in every
    year and version so that a comparable item behaves alike across versions."""
    codes = sorted({i.item_code for i in items})
    draws = _rng(seed, _TAG_ITEMS).normal(0, 4, size=len(codes))
    return {code: float(d) for code, d in zip(codes, draws, strict=True)}


def group_item_offset(target_group: str, item: Item) -> float:
    """Extra level offset for a target group on one item (points on 0–100).

    System owners rate technical debt (factor ``tek_teknisk_skuld``) 12 points worse and
    shadow IT 6 points worse; elected representatives rate Teknik 3 points better.
    """
    if target_group == "systemansvariga" and item.factor_code == "tek_teknisk_skuld":
        return -12.0
    if target_group == "systemansvariga" and item.factor_code == "tek_skugg_it":
        return -6.0
    if target_group == "fortroendevalda" and item.category_code == "teknik":
        return 3.0
    return 0.0


def dont_know_multiplier(target_group: str, item: Item) -> float:
    """Factor on the group's "vet ej" probability for one item.

    Elected representatives and management know less about Organisation and Teknik
    (×1.7); open data/open source and cloud/life-cycle funding are unclear to many (×1.4);
    system owners know budgets less well (×1.5).
    """
    mult = 1.0
    if target_group in ("fortroendevalda", "kommunledning", "forvaltningsledning") and (
        item.category_code in ("organisation", "teknik")
    ):
        mult *= 1.7
    if item.factor_code in ("inn_oppenhet", "eff_finansiering"):
        mult *= 1.4
    if target_group == "systemansvariga" and item.category_code == "balansering":
        mult *= 1.5
    return mult


def respondent_count(profile: OrgProfile, year: int, rng: np.random.Generator) -> int:
    """Respondents of one organisation in one year: about the profile's mean, growing 3 %
    a year, with 6 % noise, clipped to the profile's range."""
    lo, hi = profile.respondents_bounds
    n = profile.respondents_mean * (1 + 0.03 * (year - FIRST_YEAR)) * rng.normal(1, 0.06)
    return int(np.clip(round(n), lo, hi))


def draw_answer(level: float, item: Item, rng: np.random.Generator) -> int:
    """Draw the value a respondent ticks, given their maturity level (0–100) on the item.

    The maturity-oriented value is ``round(1 + 4 * level / 100 + N(0, 0.75))`` clipped to
    1–5 (generally ``scale_min``–``scale_max``); for a reverse-coded item the ticked value is
    mirrored (``min + max - value``), so a high raw answer means low maturity.
    """
    span = item.scale_max - item.scale_min
    mu = item.scale_min + span * level / 100
    value = _clamp(math.floor(mu + rng.normal(0, 0.75) + 0.5), item.scale_min, item.scale_max)
    if item.reverse_coded:
        value = item.scale_min + item.scale_max - value
    return value


def email_local_part(name: str) -> str:
    """``"Åsa Öberg"`` -> ``"asa.oberg"``: lower case ASCII, accents stripped."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return ".".join(ascii_name.lower().split())


def email_domain(org: Organisation) -> str:
    """Invented domain per organisation: ``aneby.example.se``, region ``rjl.example.se``."""
    if org.organisation_type == "region":
        return "rjl.example.se"
    return email_local_part(org.short_name).replace(".", "-") + ".example.se"


def organisation_label(org: Organisation, aliases: Sequence[str], rng: np.random.Generator) -> str:
    """Choose how the export spells the organisation for one respondent.

    88 % official name, 4 % short name, 6 % an alias from the alias seed (official name when
    the organisation has none), 2 % the official name in upper case or with a trailing space
    (both match under the contract's normalisation, contract §1).
    """
    u = rng.random()
    if u < 0.88:
        return org.name
    if u < 0.92:
        return org.short_name
    if u < 0.98:
        return str(aliases[int(rng.integers(len(aliases)))]) if aliases else org.name
    return org.name.upper() if rng.random() < 0.5 else org.name + " "


def survey_window_start(year: int) -> dt.date:
    """The first Monday of October of ``year`` (project choice for the synthetic window)."""
    first = dt.date(year, 10, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7)


def submission_time(year: int, rng: np.random.Generator) -> dt.datetime:
    """Draw a submission time within the three-week window: most answers in the first
    days and after the reminders (day 7 and 14), mostly on weekdays in office hours."""
    day_weights = np.array(
        [6, 4, 3, 2, 2, 1, 1, 4, 3, 2, 1, 1, 1, 1, 3, 2, 1, 1, 1, 1, 1], dtype=float
    )[:_WINDOW_DAYS]
    day = int(rng.choice(_WINDOW_DAYS, p=day_weights / day_weights.sum()))
    date = survey_window_start(year) + dt.timedelta(days=day)
    if date.weekday() >= 5 and rng.random() < 0.8:
        date += dt.timedelta(days=7 - date.weekday())
    hour_weights = np.array([1, 4, 6, 6, 5, 3, 5, 5, 4, 3, 1, 1, 1, 1, 1], dtype=float)
    hour = 7 + int(rng.choice(len(hour_weights), p=hour_weights / hour_weights.sum()))
    return dt.datetime(
        date.year, date.month, date.day, hour, int(rng.integers(60)), int(rng.integers(60))
    )


def draw_respondents(
    profile: OrgProfile,
    year: int,
    items: Sequence[Item],
    aliases: Sequence[str],
    seed: int,
    offsets: dict[str, float],
) -> list[Respondent]:
    """Draw all respondents of one organisation in one year, with their answers.

    Level of a respondent on an item = organisation's latent level on the item's dimension
    + category offset + item offset + target-group offsets + department offset +
    respondent offsets (sd 7 overall, sd 4 per dimension). Each answer is then "vet ej"
    with probability ``group base × item multiplier × respondent factor × organisation
    factor × (1 - 0.05 per year since 2018)`` (capped at 0.6), else blank with the
    respondent's blank probability (0.5 % for most, 8 % for one in seven), else a value
    from ``draw_answer``. ``running_id`` is left empty.
    """
    rng = _rng(seed, _TAG_RESPONDENTS, year, profile.number)
    org = profile.organisation
    levels = {d: latent_level(profile, d, year, seed) for d in ("capability", "legacy")}
    groups = list(TARGET_GROUP_WEIGHTS)
    group_p = np.array([TARGET_GROUP_WEIGHTS[g] for g in groups])
    group_p = group_p / group_p.sum()
    used_emails: set[str] = set()
    dept_weights = np.array([1.0 if i == 0 else 1.6 for i in range(len(profile.departments))])
    dept_weights = dept_weights / dept_weights.sum()
    year_dk = max(0.5, 1 - 0.05 * (year - FIRST_YEAR))

    respondents: list[Respondent] = []
    for _ in range(respondent_count(profile, year, rng)):
        group = groups[int(rng.choice(len(groups), p=group_p))]
        if group == "kommunledning":
            department: str | None = profile.departments[0]
        else:
            department = profile.departments[
                int(rng.choice(len(profile.departments), p=dept_weights))
            ]
        if rng.random() < 0.01:
            department = None
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        name = f"{first} {LAST_NAMES[rng.integers(len(LAST_NAMES))]}"
        local = email_local_part(name)
        candidate, k = local, 1
        while candidate in used_emails:
            k += 1
            candidate = f"{local}{k}"
        used_emails.add(candidate)
        comment = str(COMMENTS[rng.integers(len(COMMENTS))]) if rng.random() < 0.07 else None
        label = organisation_label(org, aliases, rng)
        submitted = submission_time(year, rng)

        shared = rng.normal(0, 7)
        per_dim = {"capability": rng.normal(0, 4), "legacy": rng.normal(0, 4)}
        dk_resp = float(rng.lognormal(0, 0.5))
        p_blank = 0.08 if rng.random() < 1 / 7 else 0.005
        base = (
            GROUP_LEVEL_OFFSET[group]
            + (profile.department_offsets[department] if department else 0.0)
            + shared
        )

        answers: dict[str, int | str | None] = {}
        for item in items:
            p_dk = min(
                0.6,
                GROUP_DONT_KNOW[group]
                * dont_know_multiplier(group, item)
                * dk_resp
                * profile.dont_know_factor
                * year_dk,
            )
            u = rng.random()
            level = (
                levels[item.dimension_code]
                + profile.category_offsets[item.category_code]
                + offsets[item.item_code]
                + group_item_offset(group, item)
                + per_dim[item.dimension_code]
                + base
            )
            value = draw_answer(_clamp(float(level), 0.0, 100.0), item, rng)
            if u < p_dk:
                answers[item.item_code] = DONT_KNOW
            elif u < p_dk + p_blank:
                answers[item.item_code] = None
            else:
                answers[item.item_code] = value

        respondents.append(
            Respondent(
                year=year,
                organisation_code=org.code,
                organisation_label=label,
                target_group=group,
                department=department,
                name=name,
                email=f"{candidate}@{email_domain(org)}",
                comment=comment,
                submitted_at=submitted,
                answers=answers,
            )
        )
    return respondents


def draw_invitations(
    profile: OrgProfile,
    year: int,
    respondents: Sequence[Respondent],
    seed: int,
    link: bool = False,
    rate_override: float | None = None,
) -> list[Invitation]:
    """One invitation row per target group of the organisation in ``year``.

    E-mail invitations: ``invited = ceil(respondents / rate)`` with the organisation's rate
    plus noise (sd 0.08), clipped to 0.40–0.90, so invited >= respondents; a group without
    respondents gets 1–3 invited. ``link=True``: shared link, ``invited`` None (contract §2).
    ``rate_override`` (a share in (0, 1]): every group's rate is exactly this value, no
    noise, no clipping (the sample's low-response case: an organisation under the council's
    failing threshold). The random draws are made all the same, so the other rows of the
    stream do not change.
    """
    if rate_override is not None and not 0 < rate_override <= 1:
        raise ValueError(f"rate_override must be in (0, 1], got {rate_override}")
    rng = _rng(seed, _TAG_INVITATIONS, year, profile.number)
    rows: list[Invitation] = []
    for group in TARGET_GROUP_WEIGHTS:
        n = sum(1 for r in respondents if r.target_group == group)
        rate = float(np.clip(profile.response_rate + rng.normal(0, 0.08), 0.40, 0.90))
        extra = int(rng.integers(1, 4))
        if rate_override is not None:
            rate = rate_override
        if link:
            rows.append(Invitation(profile.organisation.code, group, None, "link"))
            continue
        invited = math.ceil(n / rate) if n else extra
        rows.append(Invitation(profile.organisation.code, group, max(invited, n), "email"))
    return rows
