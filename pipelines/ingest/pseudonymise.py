"""Keyed pseudonyms for respondents and the key they need (domain doc, Privacy;
input-faults §9).

Pseudonym = HMAC-SHA256(key, message) as hex, first 16 characters, where the message is
``"<year>|email|<e-mail>"`` when the export carries an e-mail address and
``"<year>|id|<tool respondent id>"`` otherwise (both NFC, trimmed, space-collapsed,
case-folded). The year is part of the message: pseudonyms do not link a person across
years (project choice; the contract's tables are per year).
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from .errors import PseudonymKeyError
from .normalise import norm_key

ENV_KEY = "MOGNAD_PSEUDONYM_KEY"
ENV_KEY_FILE = "MOGNAD_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16
KEY_RANDOM_BYTES = 32
"""Random bytes in a key mognad makes (written as twice as many hex characters)."""
NEW_KEY_COMMAND = f'python -c "import secrets; print(secrets.token_hex({KEY_RANDOM_BYTES}))"'
"""The command the key errors name for making a key as mognad makes one (64 hex characters);
a key that earlier loads used must be kept, since a new key gives new pseudonyms."""


def identity_message(year: int, email: str | None, respondent_id: str) -> str:
    """The normalised identity a pseudonym is computed from (see module docstring)."""
    email_key = norm_key(email) if email is not None else ""
    if email_key:
        return f"{year}|email|{email_key}"
    return f"{year}|id|{norm_key(respondent_id)}"


def pseudonym(secret: bytes, message: str) -> str:
    """HMAC-SHA256(secret, message UTF-8) hex digest, first 16 characters."""
    return hmac.digest(secret, message.encode("utf-8"), "sha256").hex()[:16]


def _check(key: bytes, where: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"The pseudonymisation key from {where} is {len(key)} bytes; at least "
            f"{MIN_KEY_BYTES} are required. Make one with: {NEW_KEY_COMMAND}"
        )
    return key


def load_secret(data_dir: Path, *, create_if_missing: bool) -> tuple[bytes, str]:
    """The HMAC key for pseudonyms and a description of where it came from.

    Order: env ``MOGNAD_PSEUDONYM_KEY`` (its UTF-8 bytes), else the file named by env
    ``MOGNAD_PSEUDONYM_KEY_FILE``, else ``data_dir/secrets/pseudonym.key``. A key file holds
    text; the key is its UTF-8 bytes with surrounding whitespace removed. When the default
    file is missing and ``create_if_missing`` is true, it is created (mode 0600) holding
    ``KEY_RANDOM_BYTES`` random bytes written as hex (:data:`NEW_KEY_COMMAND` makes the same).

    Returns:
        (key bytes, human-readable source such as ``"file data/secrets/pseudonym.key
        (created now)"``).

    Raises:
        PseudonymKeyError: the key is shorter than 16 bytes, the named key file does not
        exist, or no key exists and ``create_if_missing`` is false.
    """
    value = os.environ.get(ENV_KEY)
    if value:
        return _check(value.encode("utf-8"), f"env {ENV_KEY}"), f"environment variable {ENV_KEY}"
    named = os.environ.get(ENV_KEY_FILE)
    if named:
        path = Path(named)
        if not path.is_file():
            raise PseudonymKeyError(f"{ENV_KEY_FILE} names {path}, which does not exist.")
        key = path.read_bytes().strip()
        return _check(key, str(path)), f"file {path} (from {ENV_KEY_FILE})"
    path = Path(data_dir) / "secrets" / "pseudonym.key"
    if path.is_file():
        return _check(path.read_bytes().strip(), str(path)), f"file {path}"
    if not create_if_missing:
        raise PseudonymKeyError(
            f"No pseudonymisation key: set {ENV_KEY} or {ENV_KEY_FILE}, or create {path}. "
            f"Use the key earlier loads used, if any (a new key gives new pseudonyms); make a "
            f"new one with: {NEW_KEY_COMMAND}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets.token_hex(KEY_RANDOM_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")
    return text.encode("ascii"), f"file {path} (created now)"
