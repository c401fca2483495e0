"""Dry run: show how a landing folder would be read and mapped, loading nothing.

For the data engineer facing format drift: which columns were found and what each maps to,
unmapped columns, answer values the profile does not cover, organisations and target groups
that match nothing, row counts, and the verdict of a full in-memory ingest.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError, cap_list, count_text, with_count
from .ingest import INVITATIONS_FILE, find_export_files, ingest_year
from .mapping import IDENTITY_TARGETS, AnswerMapper, missing_described, plan_columns
from .masking import IdentityMask
from .normalise import norm_key, norm_text
from .profiles import PROFILES_DIR, SEEDS_DIR, ExportProfile, load_profile, resolve_profile
from .readers import read_export
from .reference import load_reference


@dataclass
class FileReport:
    """What the dry run saw in one export file."""

    name: str
    error: str | None = None
    rows: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, maps to)
    unmapped: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    organisations: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    target_groups: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    answer_values: Counter = field(default_factory=Counter)  # (status, raw key) -> n
    uncovered: dict[tuple[str, str], int] = field(default_factory=dict)
    outside_year: int = 0
    identity: set[str] = field(default_factory=set)  # identity-column values, never shown


@dataclass
class DryRunReport:
    """Result of :func:`dry_run`. ``ok`` is true when a real load would succeed."""

    folder: Path
    year: int
    profile: str | None
    files: list[FileReport] = field(default_factory=list)
    verdict: str = ""
    ok: bool = False
    stats: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    invitations: str = ""

    def render(self) -> str:
        """Plain-text report in English, the language of every message to the data engineer
        (the ingest's errors and warnings, which it quotes); identity values and e-mail
        addresses are masked (:mod:`pipelines.ingest.masking`)."""
        mask = IdentityMask(v for f in self.files for v in f.identity)
        return mask.text(self._render())

    def _render(self) -> str:
        out = [f"Dry run of {self.folder} for survey year {self.year}",
               f"Export profile: {self.profile or '(none)'}", ""]
        for f in self.files:
            out.append(f"== {f.name}")
            if f.error:
                out += [f"   CANNOT READ: {f.error}", ""]
                continue
            out.append(f"   data rows: {f.rows}")
            out.append("   columns:")
            for header, target in f.columns:
                out.append(f"     {header!r:45} -> {target}")
            if f.duplicates:
                out.append(f"   DUPLICATE column names: {cap_list(f.duplicates)}")
            if f.missing:
                out.append(f"   MISSING required columns: {cap_list(f.missing)}")
            if f.unmapped:
                out.append(f"   UNMAPPED columns: {cap_list(repr(u) for u in f.unmapped)}")
            for title, found, none in (("organisations", f.organisations, "NOT MATCHED"),
                                       ("target groups", f.target_groups, "NOT MAPPED")):
                if found:
                    out.append(f"   {title}:")
                    out += [f"     {raw!r:35} -> {with_count(code or none, n)}"
                            for raw, (code, n) in sorted(found.items())]
            if f.answer_values:
                out.append("   answer values (all item columns):")
                for (status, raw), n in sorted(f.answer_values.items()):
                    out.append(f"     {raw!r:35} -> {with_count(status, n, 'cell')}")
            if f.uncovered:
                out.append("   ANSWER VALUES NOT COVERED by the profile:")
                for (col, raw), n in sorted(f.uncovered.items())[:40]:
                    out.append(f"     {col}: {with_count(repr(raw), n, 'cell')}")
            if f.outside_year:
                out.append(f"   submissions dated outside {self.year}: {f.outside_year}")
            out.append("")
        if self.invitations:
            out += [f"{INVITATIONS_FILE}: {self.invitations}", ""]
        if self.stats:
            out.append("Counts if loaded: " + ", ".join(f"{k} {v}" for k, v in
                                                        self.stats.items()))
        for w in self.warnings:
            out.append(f"Warning: {w}")
        out.append(f"Verdict: {self.verdict}")
        return "\n".join(out) + "\n"


def _inspect(path: Path, prof: ExportProfile, year: int, seeds_dir: Path) -> FileReport:
    rep = FileReport(path.name)
    try:
        sheet = read_export(path, prof.file)
    except IngestError as exc:
        rep.error = str(exc)
        return rep
    rep.rows = len(sheet.rows)
    claims, unmapped, dups, missing = plan_columns(path.name, sheet.headers, prof)
    if not any(idx for t, idx in claims.items() if t not in ("drop_identity", "ignore")):
        rep.error = (f"none of the profile {prof.name}'s columns is in the first row, so it is "
                     "not the header (the row is not shown: it may hold personal data)")
        return rep
    by_col: dict[int, list[str]] = {}
    for target, idx in claims.items():
        for i in idx:
            label = {"drop_identity": "dropped (identity)",
                     "ignore": "dropped (ignored)"}.get(target, target)
            by_col.setdefault(i, []).append(label)
    rep.columns = [(h, " + ".join(by_col.get(i, ["UNMAPPED"])))
                   for i, h in enumerate(sheet.headers)]
    rep.unmapped = [sheet.headers[i] for i in unmapped]
    rep.duplicates = dups
    rep.missing = missing_described(prof, missing)
    ref = load_reference(seeds_dir)
    cols = prof.columns

    def col(target: str) -> int | None:
        idx = claims.get(target) or []
        return idx[0] if len(idx) == 1 else None

    org_i, tg_i, time_i = col("organisation"), col("target_group"), col("submitted_at")
    labels = {norm_key(k): v for k, v in cols.target_group.labels.items()}
    mapper = AnswerMapper(prof.answers, prof.file.decimal)
    items = [(t.removeprefix("item:"), idx[0]) for t, idx in claims.items()
             if t.startswith("item:") and len(idx) == 1]
    dk_cols = [(sheet.headers[idx[0]], idx[0]) for t, idx in claims.items()
               if t.startswith("dont_know:") and len(idx) == 1]
    orgs: Counter = Counter()
    tgs: Counter = Counter()
    for _, cells in sheet.rows:
        for header, ci in dk_cols:
            raw = str(cells[ci]).strip()
            if mapper.dont_know_mark(raw) is None:
                key = (header, norm_text(raw))
                rep.uncovered[key] = rep.uncovered.get(key, 0) + 1
        if org_i is not None:
            orgs[norm_text(str(cells[org_i]))] += 1
        if tg_i is not None:
            tgs[norm_text(str(cells[tg_i]))] += 1
        if time_i is not None:
            v = cells[time_i]
            try:
                t = v if isinstance(v, dt.datetime) else (
                    dt.datetime.strptime(v.strip(), cols.submitted_at.format) if v.strip()
                    else None)
            except ValueError:
                t = None
            if t is not None and t.year != year:
                rep.outside_year += 1
        for _, ci in items:
            cell = cells[ci]
            raw = cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell.strip()
            mapped = mapper.map(raw)
            if mapped is None:
                key = (sheet.headers[ci], norm_text(raw))
                rep.uncovered[key] = rep.uncovered.get(key, 0) + 1
                rep.answer_values[("NOT COVERED", norm_key(raw))] += 1
            else:
                status = mapped[1] if mapped[0] is None else f"{mapped[1]} {mapped[0]}"
                rep.answer_values[(status, norm_key(raw))] += 1
    shown = ({norm_key(v) for v in [*orgs, *tgs]} | {k for _, k in rep.answer_values}
             | {norm_key(v) for _, v in rep.uncovered})
    identity_cols = sorted({i for t in IDENTITY_TARGETS for i in claims.get(t, [])})
    rep.identity = {c for _, cells in sheet.rows for i in identity_cols
                    if isinstance(c := cells[i], str) and norm_key(c) in shown}
    rep.organisations = {v: (ref.match_organisation(v, cols.organisation.match), n)
                         for v, n in orgs.items()}
    rep.target_groups = {v: (labels.get(norm_key(v)) or ref.tg_keys.get(norm_key(v)), n)
                         for v, n in tgs.items()}
    return rep


def dry_run(landing_year_dir: Path, year: int, *, profile: str | None = None,
            profiles_dir: Path = PROFILES_DIR, seeds_dir: Path = SEEDS_DIR) -> DryRunReport:
    """Inspect ``landing_year_dir`` through its export profile without writing anything.

    The verdict comes from a full in-memory :func:`ingest_year` with a throw-away key, so
    it agrees with a real load; nothing is written and no pseudonym is shown. Never
    raises :class:`IngestError`: problems are part of the report.
    """
    folder = Path(landing_year_dir)
    report = DryRunReport(folder, year, profile)
    if not folder.is_dir():
        report.verdict = (
            f"REJECTED - Landing folder {folder} does not exist: put the year's export file(s) "
            f"and invitations.csv there (README, 'Loading survey years')."
        )
        return report
    try:
        prof = load_profile(profile, profiles_dir) if profile else resolve_profile(
            folder, year, profiles_dir)
        report.profile = prof.name
        exports, _ = find_export_files(folder, prof)
    except IngestError as exc:
        report.verdict = f"REJECTED - {exc}"
        return report
    for path in exports:
        report.files.append(_inspect(path, prof, year, seeds_dir))
    try:
        result = ingest_year(folder, year, secret=secrets.token_bytes(32),
                             profiles_dir=profiles_dir, seeds_dir=seeds_dir,
                             profile=prof.name)
    except IngestError as exc:
        report.verdict = f"REJECTED ({type(exc).__name__}) - {exc}"
        report.ok = False
    else:
        report.ok = True
        report.stats = dict(result.stats)
        report.warnings = list(result.warnings)
        inv = result.tables["invitations"]
        report.invitations = (count_text(inv.num_rows, "row") if inv.num_rows else
                               "missing - response rates will be unknown")
        report.verdict = (f"OK - would load {count_text(result.stats['respondents'], 'respondent')}"
                          f" and {count_text(result.stats['answers'], 'answer')} with profile "
                          f"{prof.name}")
    return report
