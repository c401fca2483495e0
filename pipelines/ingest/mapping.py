"""Map an export's columns and values through its profile (input-faults.md §5, §7, §8).

Header matching: :func:`~pipelines.ingest.normalise.norm_header` on both sides, exact
equality; an alias containing ``*`` is a glob over the normalised header. Every column must
be claimed by exactly one role; unclaimed columns are an error (a new column is never
dropped silently).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from dataclasses import dataclass, field

from .errors import MappingError, cap_list
from .normalise import norm_header, norm_key
from .profiles import AnswersSpec, ExportProfile, named_columns_text

ROLES = ("respondent_id", "submitted_at", "survey_year", "organisation", "target_group",
         "department", "email")


def _alias_matches(alias: str, header_key: str) -> bool:
    akey = norm_header(alias)
    if "*" in akey:
        return fnmatch.fnmatchcase(header_key, akey)
    return akey == header_key


@dataclass
class ColumnMap:
    """Column positions (0-based) of one export file.

    Attributes:
        roles: role name -> column index (absent optional roles are missing from the dict).
        items: item_code -> column index, in the profile's order.
        dont_know: item_code -> index of its separate "vet ej" column, when the profile has
            ``answers.dont_know_columns``.
        dropped: indices of identity and ignored columns (never read into any table).
        found: role or item -> the header as exported (for dry-run reports).
        identity: indices of the identity columns (respondent id, e-mail, drop_identity):
            their values are masked in every message (:mod:`pipelines.ingest.masking`).
    """

    roles: dict[str, int]
    items: dict[str, int]
    dropped: list[int]
    found: dict[str, str] = field(default_factory=dict)
    dont_know: dict[str, int] = field(default_factory=dict)
    identity: list[int] = field(default_factory=list)


IDENTITY_TARGETS = ("respondent_id", "email", "drop_identity")
"""The :func:`plan_columns` targets whose columns carry personal data."""


#: how alike (difflib ratio, 0-1) a header and an alias must be to be named as "nearest"
NEAREST_CUTOFF = 0.6


def known_names(profile: ExportProfile, found: set[str]) -> dict[str, str]:
    """The plain (non-glob) aliases of the profile whose role, item or list entry has no
    column in the file, by normalised key -> what they stand for, e.g.
    ``{"förvaltning": "'Förvaltning' (department)"}``. ``found``: the targets of
    :func:`plan_columns` that matched a column, and the keys of every header (a column that
    is in the file is not what another header misspells)."""
    c = profile.columns
    out: dict[str, str] = {}
    targets = [(role, getattr(c, role).aliases) for role in ROLES
               if getattr(c, role) is not None]
    targets += [(f"item:{item}", aliases) for item, aliases in profile.items.items()]
    targets += [(kind, [a]) for kind in ("drop_identity", "ignore") for a in getattr(c, kind)]
    for target, aliases in targets:
        if target in found:
            continue
        for alias in aliases:
            key = norm_header(alias)
            if "*" not in key and key not in found:
                out.setdefault(key, f"{alias!r} ({target.replace('item:', 'item ')})")
    return out


def nearest(key: str, candidates: list[str]) -> str | None:
    """The candidate most like ``key`` (difflib ratio at least :data:`NEAREST_CUTOFF`)."""
    found = difflib.get_close_matches(key, candidates, n=1, cutoff=NEAREST_CUTOFF)
    return found[0] if found else None


def expected_headers(profile: ExportProfile, target: str) -> list[str]:
    """The header names the profile accepts for ``target`` (a role of ``columns`` or
    ``item:<code>``), as the profile writes them (wildcards included); empty for a target
    that is itself a header name (a "vet ej" column named by the profile's template)."""
    spec = getattr(profile.columns, target) if target in ROLES else None
    return list(spec.aliases if spec is not None
                else profile.items.get(target.removeprefix("item:"), []))


def missing_described(profile: ExportProfile, missing: list[str]) -> list[str]:
    """Each missing target with the header names the profile expects for it, for the data
    engineer: ``"target_group (a column named 'Målgrupp')"``; a target without names as
    it is."""
    described = []
    for target in missing:
        name = target.removeprefix("item:")
        names = expected_headers(profile, target)
        described.append(f"{name} ({named_columns_text(names)})" if names else name)
    return described


def plan_columns(file_name: str, headers: list[str], profile: ExportProfile
                 ) -> tuple[dict[str, list[int]], list[int], list[str], list[str]]:
    """Match headers to roles without raising.

    Returns (claims: target -> column indices, unmapped column indices, duplicate header
    names, missing required targets). Targets are role names, ``item:<code>``,
    ``dont_know:<code>`` (separate "vet ej" columns), ``drop_identity`` and ``ignore``.
    """
    keys = [norm_header(h) for h in headers]
    seen: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        seen.setdefault(k, []).append(i)
    duplicates = [headers[idx[0]] for k, idx in seen.items() if len(idx) > 1]
    targets: list[tuple[str, list[str], bool]] = []
    c = profile.columns
    for role in ROLES:
        spec = getattr(c, role)
        if spec is not None:
            targets.append((role, spec.aliases, spec.required))
    for item, aliases in profile.items.items():
        targets.append((f"item:{item}", aliases, True))
    claims: dict[str, list[int]] = {}
    missing_dk: list[str] = []
    for target, aliases, _ in targets:
        claims[target] = [i for i, k in enumerate(keys) if any(_alias_matches(a, k)
                                                               for a in aliases)]
    dk = profile.answers.dont_know_columns
    if dk is not None:
        for item in profile.items:
            idx = claims[f"item:{item}"]
            target = f"dont_know:{item}"
            if len(idx) != 1:
                claims[target] = []
                continue
            expected = dk.template.format(column=headers[idx[0]].strip())
            claims[target] = [i for i, k in enumerate(keys) if k == norm_header(expected)]
            if dk.required and not claims[target]:
                missing_dk.append(f"{expected!r} (vet ej of {item})")
    claims["drop_identity"] = [i for i, k in enumerate(keys)
                               if any(_alias_matches(a, k) for a in c.drop_identity)]
    claims["ignore"] = [i for i, k in enumerate(keys)
                        if any(_alias_matches(a, k) for a in c.ignore)]
    claimed = {i for idx in claims.values() for i in idx}
    unmapped = [i for i in range(len(headers)) if i not in claimed]
    missing = [t for t, _, required in targets if required and not claims[t]] + missing_dk
    return claims, unmapped, duplicates, missing


def map_columns(file_name: str, headers: list[str], profile: ExportProfile) -> ColumnMap:
    """Map an export's headers to roles and items.

    Raises:
        MappingError: duplicate header names (named); required columns missing (listed with
        the headers found); a role matched by several columns or a column matched by several
        roles; columns not mapped by the profile (listed; add them to ``columns.ignore`` or
        map them).
    """
    claims, unmapped, duplicates, missing = plan_columns(file_name, headers, profile)
    details = {"file": file_name, "headers": headers}
    if missing and not any(idx for t, idx in claims.items()
                           if t not in ("drop_identity", "ignore")):
        text = "".join(str(h) for h in headers)
        seps = sorted(((text.count(c), c) for c in ",;\t|" if text.count(c) >= 2), reverse=True)
        delimiter = (f" The row has {len(headers)} field{'s' if len(headers) > 1 else ''} and "
                     f"holds {seps[0][0]} {seps[0][1]!r} characters: is {seps[0][1]!r} the "
                     "file's delimiter (file.delimiter)?" if seps else "")
        raise MappingError(
            f"{file_name}: none of the profile {profile.name}'s columns is in the first row, "
            f"so it is not the header.{delimiter} Is the header missing, or are there lines "
            "above it (file.skip_rows_above)? Is it the right profile? (The row is not shown: "
            "it may hold personal data.)",
            {"file": file_name, "kind": "no_header", "profile": profile.name,
             "fields": len(headers)},
        )
    if duplicates:
        raise MappingError(
            f"{file_name} has duplicate column names {cap_list(repr(d) for d in duplicates)} "
            "(after normalising case, spaces and quotes); remove or rename them in the "
            "export - columns are never renamed automatically.",
            {**details, "kind": "duplicate_headers", "duplicates": duplicates},
        )
    if missing:
        names = [m.removeprefix("item:") for m in missing]
        spare = {norm_header(headers[i]): headers[i] for i in unmapped}
        close = []
        for target in missing:
            aliases = expected_headers(profile, target)
            hits = [nearest(norm_header(a), list(spare)) for a in aliases if "*" not in a]
            hit = next((h for h in hits if h), None)
            if hit is not None:
                close.append(f"{target.removeprefix('item:')} - the file has "
                             f"{spare[hit]!r}, not {aliases[0]!r}")
        hint = (f"; nearest unmapped headers: {cap_list(close)} (a misspelling? add it as an "
                "alias in the profile if it is the same column)" if close else "")
        raise MappingError(
            f"{file_name} lacks required columns for {cap_list(names)} (profile "
            f"{profile.name}){hint}; the profile expects "
            f"{cap_list(missing_described(profile, missing))}; headers found: "
            f"{cap_list(repr(h) for h in headers)}.",
            {**details, "kind": "missing_columns", "missing": names},
        )
    by_col: dict[int, list[str]] = {}
    for target, idx in claims.items():
        if len(idx) > 1 and target not in ("drop_identity", "ignore"):
            raise MappingError(
                f"{file_name}: {target.removeprefix('item:')} matches several columns "
                f"({cap_list(repr(headers[i]) for i in idx)}); make the profile's aliases "
                "specific.",
                {**details, "kind": "ambiguous_column", "target": target},
            )
        for i in idx:
            by_col.setdefault(i, []).append(target)
    multi = {i: t for i, t in by_col.items() if len(t) > 1}
    if multi:
        i, t = next(iter(multi.items()))
        raise MappingError(
            f"{file_name}: column {headers[i]!r} matches several roles ({cap_list(t)}); make "
            "the profile's aliases specific.",
            {**details, "kind": "ambiguous_column"},
        )
    if unmapped:
        known = known_names(profile, {t for t, idx in claims.items()
                                      if idx and t not in ("drop_identity", "ignore")}
                            | {norm_header(h) for h in headers})
        described = []
        for i in unmapped:
            hit = nearest(norm_header(headers[i]), list(known))
            described.append(f"{headers[i]!r}" + (f" (nearest known: {known[hit]})"
                                                  if hit is not None else ""))
        raise MappingError(
            f"{file_name} has columns the profile {profile.name} does not map: "
            f"{cap_list(described)}; map them (an alias in the profile, if a known column was "
            "renamed or misspelt) or list them under columns.ignore (free text) / "
            "columns.drop_identity (personal data).",
            {**details, "kind": "unmapped_columns",
             "unmapped": [headers[i] for i in unmapped]},
        )
    roles = {r: claims[r][0] for r in ROLES if claims.get(r)}
    items = {t.removeprefix("item:"): idx[0] for t, idx in claims.items()
             if t.startswith("item:")}
    dont_know = {t.removeprefix("dont_know:"): idx[0] for t, idx in claims.items()
                 if t.startswith("dont_know:") and idx}
    dropped = sorted(set(claims["drop_identity"]) | set(claims["ignore"]))
    found = {t: headers[idx[0]] for t, idx in claims.items() if idx and len(idx) == 1}
    identity = sorted({i for t in IDENTITY_TARGETS for i in claims.get(t, [])})
    return ColumnMap(roles, items, dropped, found, dont_know, identity)


# --- answers ------------------------------------------------------------------------------

ANSWERED, DONT_KNOW, BLANK = "answered", "dont_know", "blank"


class AnswerMapper:
    """Map one answer cell to ``(answer_value, answer_status)`` or None when unmapped.

    Order (input-faults §7): empty or a ``blank`` token -> blank; a ``dont_know`` token ->
    dont_know; a label -> its value; with ``numeric`` an integer written with the profile's
    decimal mark (``4``, ``4,0`` when the mark is a comma) inside the scale -> answered.
    All text matched after NFC, trim, space-collapse and case-fold. "NA" is only missing if
    the profile lists it.
    """

    def __init__(self, spec: AnswersSpec, decimal: str):
        self.spec = spec
        self.labels = {norm_key(k): v for k, v in spec.labels.items()}
        self.dont_know = {norm_key(k) for k in spec.dont_know}
        self.blank = {norm_key(k) for k in spec.blank}
        self._number = re.compile(r"^[+-]?\d+(?:" + re.escape(decimal) + r"\d+)?$")
        self.decimal = decimal

    def parse_number(self, key: str) -> float | None:
        """Strict number parse with the profile's decimal mark, else None."""
        if not self._number.match(key):
            return None
        return float(key.replace(self.decimal, "."))

    def dont_know_mark(self, cell: str) -> bool | None:
        """For a separate "vet ej" column: True for a mark, False for empty, None otherwise."""
        key = norm_key(cell)
        if key == "":
            return False
        dk = self.spec.dont_know_columns
        if dk is not None and key in {norm_key(m) for m in dk.marks}:
            return True
        return None

    def map(self, cell: str) -> tuple[int | None, str] | None:
        key = norm_key(cell)
        if key == "" or key in self.blank:
            return None, BLANK
        if key in self.dont_know:
            return None, DONT_KNOW
        if key in self.labels:
            return self.labels[key], ANSWERED
        if self.spec.numeric:
            num = self.parse_number(key)
            if (num is not None and num.is_integer()
                    and self.spec.scale_min <= num <= self.spec.scale_max):
                return int(num), ANSWERED
        return None
