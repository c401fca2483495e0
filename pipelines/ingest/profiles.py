"""Export profiles: the YAML files under ``profiles/`` that describe one export format.

A profile says how to read a file (type, encoding, delimiter, header rows...) and how its
columns and values map to the raw-table contract (docs/data-contracts.md §3). Format drift
between years is handled by adding or editing a profile, never by editing code
(architecture.md, "Export profiles"). The schema is documented in docs/export-profiles.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ProfileError
from .normalise import norm_key

REPO_ROOT = Path(__file__).resolve().parents[2]
PROFILES_DIR = REPO_ROOT / "profiles"
SEEDS_DIR = REPO_ROOT / "dbt_project" / "seeds"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileSpec(_Strict):
    """How to read the export file(s).

    ``trailing_delimiter`` (CSV): ``true`` when every data line ends with a delimiter,
    ``false`` when none does; unset, the file decides (every data row must still have one
    field count). See docs/export-profiles.md, "Row shape". ``max_field_chars`` (CSV): the
    longest field accepted, in characters; the default is the csv module's own limit
    (128 Ki), far beyond any answer or comment a survey tool exports.
    """

    type: Literal["csv", "xlsx"]
    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str = '"'
    decimal: Literal[".", ","] = "."
    sheet: str | None = None
    header_rows: Literal[1, 2] = 1
    header_join: str = " | "
    skip_rows_above: int = Field(0, ge=0)
    skip_rows_below: int = Field(0, ge=0)
    trailing_delimiter: bool | None = None
    max_field_chars: int = Field(131_072, ge=1)

    @field_validator("delimiter", "quotechar")
    @classmethod
    def _one_char(cls, v: str) -> str:
        if len(v) != 1:
            raise ValueError("must be exactly one character")
        return v

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str) -> str:
        import codecs

        try:
            codecs.lookup(v)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {v!r}") from exc
        return v

    @property
    def extensions(self) -> tuple[str, ...]:
        return (".csv",) if self.type == "csv" else (".xlsx",)


class ColumnSpec(_Strict):
    """A column found through a list of header aliases (matched after normalisation)."""

    aliases: list[str] = Field(min_length=1)
    required: bool = True


class TimestampSpec(ColumnSpec):
    """The submission time; ``format`` is a ``datetime.strptime`` format for text cells
    (XLSX date cells are taken as they are)."""

    format: str = "%Y-%m-%d %H:%M:%S"


class OrganisationSpec(ColumnSpec):
    """``match: name`` — code, name, short name or alias from the seeds, after normalisation;
    ``match: code`` — additionally a code that lost its leading zero (data-contracts §1)."""

    match: Literal["name", "code"] = "name"


class TargetGroupSpec(ColumnSpec):
    """``labels`` maps the export's labels to target_group codes (target_groups.csv);
    codes and Swedish names from the seed are accepted too."""

    labels: dict[str, str] = Field(default_factory=dict)


OPTIONAL_COLUMNS: dict[str, str] = {
    "department": (
        "the answers are left out of the results per department (the table "
        "maturity_by_department and the reports' “Resultat per förvaltning”)"
    ),
    "email": (
        "the duplicate rule recognises a person who answered more than once only by the survey "
        "tool's respondent id, not by the e-mail address"
    ),
    "submitted_at": (
        "of a respondent's duplicates the last row in the file is kept instead of the latest "
        "submission, and submissions dated outside the survey year cannot be detected"
    ),
    "survey_year": "rows of another survey year in the file cannot be detected",
}
"""The columns a profile may declare ``required: false``: role -> what is lost when an
export lacks it (English, for the data engineer, like every ingest message). The ingest
warns with these words for each export without such a column
(:func:`missing_optional_column_text`), so ``mognad dry-run`` and the load's warnings say it;
any other role is required."""


def named_columns_text(aliases: list[str]) -> str:
    """The header names a profile accepts for a column, as the data engineer reads them:
    ``"a column named 'Enhet'"``, ``"a column named 'E-post' or 'Epost'"``."""
    return "a column named " + " or ".join(repr(a) for a in aliases)


def missing_optional_column_text(file_name: str, role: str, spec: ColumnSpec) -> str:
    """The warning for an export ``file_name`` that lacks the optional column ``role``
    (:data:`OPTIONAL_COLUMNS`), naming the role and the profile's aliases:
    "enkat.csv: the optional column department (a column named 'Enhet') is missing; the
    answers are left out of the results per department (…)." KeyError for a role without
    an entry."""
    return (f"{file_name}: the optional column {role} ({named_columns_text(spec.aliases)}) "
            f"is missing; {OPTIONAL_COLUMNS[role]}.")


class ColumnsSpec(_Strict):
    respondent_id: ColumnSpec
    submitted_at: TimestampSpec | None = None
    survey_year: ColumnSpec | None = None
    organisation: OrganisationSpec
    target_group: TargetGroupSpec
    department: ColumnSpec | None = None
    email: ColumnSpec | None = None
    drop_identity: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _only_known_columns_optional(self) -> ColumnsSpec:
        # a column whose loss has no words would vanish from an export without a warning
        for role in type(self).model_fields:
            spec = getattr(self, role)
            if isinstance(spec, ColumnSpec) and role not in OPTIONAL_COLUMNS and not spec.required:
                raise ValueError(f"columns.{role} is always required (only "
                                 f"{', '.join(OPTIONAL_COLUMNS)} may be required: false)")
        return self


class DontKnowColumnsSpec(_Strict):
    """"Vet ej" exported as a separate column per item (input-faults §7).

    ``template`` builds that column's header from the item column's header as exported,
    e.g. ``"{column} - Vet ej"``; a cell holding one of ``marks`` means "vet ej" (the item's
    own cell must then be empty), an empty cell means "look at the item's cell"."""

    template: str
    marks: list[str] = Field(min_length=1)
    required: bool = True

    @field_validator("template")
    @classmethod
    def _has_column(cls, v: str) -> str:
        if "{column}" not in v:
            raise ValueError("template must contain {column}")
        return v


class AnswersSpec(_Strict):
    """Answer cells: ``labels`` (text -> scale value), ``numeric`` (integers parsed strictly
    with the file's decimal mark), ``dont_know`` tokens, extra ``blank`` tokens. All text is
    matched after NFC, trim, inner-space collapse and case-fold. An empty cell is always
    blank (not answered), never "vet ej"."""

    labels: dict[str, int] = Field(default_factory=dict)
    numeric: bool = False
    scale_min: int = 1
    scale_max: int = 5
    dont_know: list[str] = Field(default_factory=list)
    blank: list[str] = Field(default_factory=list)
    dont_know_columns: DontKnowColumnsSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AnswersSpec:
        if not self.labels and not self.numeric:
            raise ValueError("answers need labels or numeric: true")
        for label, value in self.labels.items():
            if not self.scale_min <= value <= self.scale_max:
                raise ValueError(f"label {label!r} maps to {value}, outside the scale")
        keys = [norm_key(k) for k in self.labels]
        dk = [norm_key(k) for k in self.dont_know]
        bl = [norm_key(k) for k in self.blank]
        clash = (set(keys) & set(dk)) | (set(keys) & set(bl)) | (set(dk) & set(bl))
        if clash:
            raise ValueError(f"tokens mapped twice: {sorted(clash)}")
        if "" in dk:
            raise ValueError("an empty cell is blank, it cannot be 'vet ej'")
        return self


class ExportProfile(_Strict):
    """One export format. See docs/export-profiles.md for every field."""

    name: str
    description: str = ""
    instrument_version: str
    applies_to_years: list[int] = Field(default_factory=list)
    year_rule: Literal["reject", "warn"] = "reject"
    file: FileSpec
    columns: ColumnsSpec
    items: dict[str, list[str]] = Field(min_length=1)
    answers: AnswersSpec

    @model_validator(mode="after")
    def _aliases_unique(self) -> ExportProfile:
        seen: dict[str, str] = {}

        def claim(alias: str, role: str) -> None:
            key = norm_key(alias)
            if key in seen and seen[key] != role:
                raise ValueError(f"alias {alias!r} used for both {seen[key]} and {role}")
            seen[key] = role

        c = self.columns
        for role in ("respondent_id", "submitted_at", "survey_year", "organisation",
                     "target_group", "department", "email"):
            spec = getattr(c, role)
            if spec is not None:
                for a in spec.aliases:
                    claim(a, role)
        for a in c.drop_identity:
            claim(a, "drop_identity")
        for a in c.ignore:
            claim(a, "ignore")
        for item, aliases in self.items.items():
            if not aliases:
                raise ValueError(f"item {item} has no column alias")
            for a in aliases:
                claim(a, f"item {item}")
        return self


def load_profile(name: str, profiles_dir: Path = PROFILES_DIR) -> ExportProfile:
    """Load and validate ``profiles_dir/<name>.yaml``.

    Raises:
        ProfileError: no such profile, unreadable YAML, or a schema violation (the message
        names the field), or the file's ``name`` differs from its file name.
    """
    path = Path(profiles_dir) / f"{name}.yaml"
    if not path.is_file():
        available = sorted(p.stem for p in Path(profiles_dir).glob("*.yaml"))
        raise ProfileError(
            f"Export profile {name!r} not found in {profiles_dir}; available: "
            f"{', '.join(available) or 'none'}.",
            {"profile": name, "profiles_dir": str(profiles_dir)},
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        profile = ExportProfile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise ProfileError(
            f"Export profile {path.name} is invalid: {exc}", {"profile": name}
        ) from exc
    if profile.name != name:
        raise ProfileError(
            f"Export profile {path.name} declares name {profile.name!r}; the name must equal "
            "the file name.",
            {"profile": name},
        )
    return profile


def list_profiles(profiles_dir: Path = PROFILES_DIR) -> list[ExportProfile]:
    """All profiles in ``profiles_dir``, sorted by name (each validated)."""
    return [load_profile(p.stem, profiles_dir) for p in sorted(Path(profiles_dir).glob("*.yaml"))]


def resolve_profile(
    landing_year_dir: Path, year: int, profiles_dir: Path = PROFILES_DIR
) -> ExportProfile:
    """The profile for a landing folder (architecture.md, landing area).

    ``profile.txt`` in the folder names the profile (first non-empty line); without it the
    single profile whose ``applies_to_years`` contains ``year`` is used.

    Raises:
        ProfileError: profile.txt names an unknown profile, or no / several profiles claim
        the year.
    """
    marker = Path(landing_year_dir) / "profile.txt"
    if marker.is_file():
        lines = [ln.strip() for ln in marker.read_text(encoding="utf-8-sig").splitlines()]
        names = [ln for ln in lines if ln and not ln.startswith("#")]
        if not names:
            raise ProfileError(f"{marker} is empty; write the export profile's name in it.",
                               {"file": str(marker)})
        return load_profile(names[0], profiles_dir)
    matches = [p for p in list_profiles(profiles_dir) if year in p.applies_to_years]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ProfileError(
            f"No export profile applies to {year}: add profile.txt to {landing_year_dir} or "
            f"add {year} to a profile's applies_to_years.",
            {"year": year},
        )
    raise ProfileError(
        f"Several export profiles apply to {year} ({', '.join(p.name for p in matches)}); "
        f"name one in {landing_year_dir}/profile.txt.",
        {"year": year},
    )
