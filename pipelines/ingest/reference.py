"""Reference data the ingest stage reads from the dbt seeds (data-contracts.md §1): the
organisation register and aliases, the target groups, and the instrument codebook's item
codes per version. The seeds are the single source of truth; nothing is hard-coded here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import ProfileError
from .normalise import norm_key


def _read_seed(seeds_dir: Path, name: str, columns: set[str]) -> list[dict[str, str]]:
    path = Path(seeds_dir) / name
    if not path.is_file():
        raise ProfileError(f"Reference seed {path} is missing; ingest needs it.",
                           {"file": str(path)})
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = set(rows[0].keys()) if rows else set()
    if not columns <= found:
        raise ProfileError(
            f"Reference seed {name} lacks columns {sorted(columns - found)}; found "
            f"{sorted(found)}.",
            {"file": str(path)},
        )
    return rows


@dataclass(frozen=True)
class Reference:
    """Lookup tables built from the seeds.

    Attributes:
        organisations: organisation_code -> organisation_name.
        org_keys: normalised code / name / short name / alias -> organisation_code.
        target_groups: target_group code -> Swedish name.
        tg_keys: normalised code / Swedish name -> target_group code.
        items: instrument_version -> item codes in questionnaire order (sort_order).
    """

    organisations: dict[str, str]
    org_keys: dict[str, str]
    target_groups: dict[str, str]
    tg_keys: dict[str, str]
    items: dict[str, list[str]]

    def match_organisation(self, value: str, mode: str) -> str | None:
        """The organisation_code for an export value, or None.

        Rule (data-contracts §1): normalise (NFC, trim, collapse spaces, case-fold) and
        compare with the normalised code, name, short name and aliases. With
        ``mode == "code"`` a digits-only value that lost its leading zeros (``604``) also
        matches the code it abbreviates. Nothing else matches.
        """
        key = norm_key(value)
        if key in self.org_keys:
            return self.org_keys[key]
        if mode == "code" and key.isdigit():
            hits = [c for c in self.organisations if c.lstrip("0") == key.lstrip("0")]
            if len(hits) == 1:
                return hits[0]
        return None


def load_reference(seeds_dir: Path) -> Reference:
    """Read the seeds under ``seeds_dir``.

    Raises:
        ProfileError: a seed is missing, lacks columns, or one normalised spelling points to
        two organisations.
    """
    orgs = _read_seed(seeds_dir, "organisations.csv",
                      {"organisation_code", "organisation_name", "short_name"})
    aliases = _read_seed(seeds_dir, "organisation_aliases.csv", {"alias", "organisation_code"})
    tgs = _read_seed(seeds_dir, "target_groups.csv", {"target_group", "target_group_name_sv"})
    items = _read_seed(seeds_dir, "instrument_items.csv",
                       {"instrument_version", "item_code", "sort_order"})
    organisations = {r["organisation_code"].strip(): r["organisation_name"].strip() for r in orgs}
    org_keys: dict[str, str] = {}

    def add(key_text: str, code: str) -> None:
        key = norm_key(key_text)
        if not key:
            return
        if key in org_keys and org_keys[key] != code:
            raise ProfileError(
                f"Organisation spelling {key_text!r} points to both {org_keys[key]} and {code} "
                "in the seeds; fix organisation_aliases.csv.",
                {"alias": key_text},
            )
        org_keys[key] = code

    for r in orgs:
        code = r["organisation_code"].strip()
        for k in (code, r["organisation_name"], r["short_name"]):
            add(k, code)
    for r in aliases:
        code = r["organisation_code"].strip()
        if code not in organisations:
            raise ProfileError(
                f"Alias {r['alias']!r} in organisation_aliases.csv points to unknown code "
                f"{code!r}.",
                {"alias": r["alias"]},
            )
        add(r["alias"], code)
    target_groups = {r["target_group"].strip(): r["target_group_name_sv"].strip() for r in tgs}
    tg_keys: dict[str, str] = {}
    for code, name_sv in target_groups.items():
        tg_keys[norm_key(code)] = code
        tg_keys[norm_key(name_sv)] = code
    by_version: dict[str, list[tuple[int, str]]] = {}
    for r in items:
        by_version.setdefault(r["instrument_version"].strip(), []).append(
            (int(r["sort_order"]), r["item_code"].strip())
        )
    versions = {v: [code for _, code in sorted(pairs)] for v, pairs in by_version.items()}
    return Reference(organisations, org_keys, target_groups, tg_keys, versions)
