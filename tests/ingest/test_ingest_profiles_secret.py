"""Profiles load and resolve; the pseudonymisation key's sources."""

from __future__ import annotations

import re
import shlex
import stat
import subprocess
import sys

import pytest
from ingest_support import SEEDS, codebook

from pipelines.ingest import (
    ProfileError,
    PseudonymKeyError,
    list_profiles,
    load_profile,
    load_secret,
    resolve_profile,
)
from pipelines.ingest.ingest import check_profile_items
from pipelines.ingest.reference import load_reference


def test_sample_profiles_cover_their_codebook_versions():
    ref = load_reference(SEEDS)
    profiles = {p.name: p for p in list_profiles()}
    assert {"dimios_2018_csv", "dimios_2019_xlsx", "dimios_2020_csv"} <= set(profiles)
    for name, version in [("dimios_2018_csv", "v2018"), ("dimios_2019_xlsx", "v2018"),
                          ("dimios_2020_csv", "v2020")]:
        assert profiles[name].instrument_version == version
        assert check_profile_items(profiles[name], ref) == codebook(version)


def test_resolve_profile_txt_then_years(tmp_path):
    folder = tmp_path / "2019"
    folder.mkdir()
    assert resolve_profile(folder, 2019).name == "dimios_2019_xlsx"  # applies_to_years
    (folder / "profile.txt").write_text("# chosen by hand\ndimios_2020_csv\n", encoding="utf-8")
    assert resolve_profile(folder, 2019).name == "dimios_2020_csv"
    (folder / "profile.txt").write_text("no_such_profile\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="'no_such_profile' not found.*dimios_2018_csv"):
        resolve_profile(folder, 2019)
    with pytest.raises(ProfileError, match="No export profile applies to 2031"):
        resolve_profile(tmp_path / "x", 2031)


def test_invalid_profile_rejected(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "name: bad\ninstrument_version: v2018\nfile: {type: csv, delimiter: ';;'}\n"
        "columns: {}\nitems: {}\nanswers: {labels: {}}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="bad.yaml is invalid"):
        load_profile("bad", tmp_path)


def test_profile_items_must_equal_codebook(tmp_path):
    text = (load_profile("dimios_2018_csv").model_dump_json())
    import json

    data = json.loads(text)
    data["items"].pop("EFF01")
    data["items"]["XXX99"] = ["Fxx"]
    import yaml

    (tmp_path / "dimios_2018_csv.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                   encoding="utf-8")
    ref = load_reference(SEEDS)
    with pytest.raises(ProfileError, match="missing EFF01; not in the codebook XXX99"):
        check_profile_items(load_profile("dimios_2018_csv", tmp_path), ref)


def test_secret_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", "k" * 32)
    key, where = load_secret(tmp_path, create_if_missing=True)
    assert key == b"k" * 32 and "MOGNAD_PSEUDONYM_KEY" in where
    assert not (tmp_path / "secrets").exists()


def test_secret_from_named_file(monkeypatch, tmp_path):
    monkeypatch.delenv("MOGNAD_PSEUDONYM_KEY", raising=False)
    f = tmp_path / "k.txt"
    f.write_text("0123456789abcdef0123\n", encoding="ascii")
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY_FILE", str(f))
    key, where = load_secret(tmp_path, create_if_missing=False)
    assert key == b"0123456789abcdef0123" and str(f) in where
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(PseudonymKeyError, match="does not exist"):
        load_secret(tmp_path, create_if_missing=True)


def test_secret_created_only_when_asked(monkeypatch, tmp_path):
    monkeypatch.delenv("MOGNAD_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("MOGNAD_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(PseudonymKeyError, match="No pseudonymisation key"):
        load_secret(tmp_path, create_if_missing=False)
    key, where = load_secret(tmp_path, create_if_missing=True)
    path = tmp_path / "secrets" / "pseudonym.key"
    assert "(created now)" in where and path.is_file()
    assert len(key) == 64 and int(key, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, where2 = load_secret(tmp_path, create_if_missing=False)
    assert again == key and "(created now)" not in where2


def test_secret_too_short(monkeypatch, tmp_path):
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", "short")
    with pytest.raises(PseudonymKeyError, match="at least 16"):
        load_secret(tmp_path, create_if_missing=False)


def test_key_errors_give_a_command_that_makes_an_accepted_key(monkeypatch, tmp_path):
    """Both key errors end with a shell command; run as the user would, it prints a key
    that load_secret accepts."""
    monkeypatch.delenv("MOGNAD_PSEUDONYM_KEY_FILE", raising=False)
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", "short")
    with pytest.raises(PseudonymKeyError) as short:
        load_secret(tmp_path, create_if_missing=False)
    monkeypatch.delenv("MOGNAD_PSEUDONYM_KEY")
    with pytest.raises(PseudonymKeyError) as missing:
        load_secret(tmp_path, create_if_missing=False)
    assert "a new key gives new pseudonyms" in str(missing.value)
    commands = {str(e.value).split("Make one with: ")[-1].split("make a new one with: ")[-1]
                for e in (short, missing)}
    assert len(commands) == 1
    command = shlex.split(commands.pop())
    assert command[0] == "python"
    made = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True,
                          check=True).stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", made)
    monkeypatch.setenv("MOGNAD_PSEUDONYM_KEY", made)
    assert load_secret(tmp_path, create_if_missing=False)[0] == made.encode("ascii")


def test_profile_target_group_codes_must_exist(tmp_path):
    from ingest_support import custom_profile

    profiles = custom_profile(tmp_path, "dimios_2018_csv", {"columns": {"target_group": {
        "labels": {"Förtroendevald": "fortroendevald", "Kommunledning": "kommunledning"}}}})
    ref = load_reference(SEEDS)
    with pytest.raises(ProfileError, match="codes not in target_groups.csv: fortroendevald "):
        check_profile_items(load_profile("dimios_2018_csv", profiles), ref)


def test_pseudonym_is_hmac_sha256_of_the_identity():
    """16 hex characters of HMAC-SHA256(key, message); the expected values were computed with
    ``openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef`` (an independent tool)."""
    from pipelines.ingest.pseudonymise import identity_message, pseudonym

    key = b"0123456789abcdef0123456789abcdef"
    assert identity_message(2019, " Anna.Berg@Gnosjo.se ", "R1") == "2019|email|anna.berg@gnosjo.se"
    assert pseudonym(key, "2019|email|anna.berg@gnosjo.se") == "27487352a57bfd9a"
    assert pseudonym(key, "2020|id|r-0042") == "bee830b3bad9973f"
