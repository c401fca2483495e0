"""Writing files that someone may be reading: replace, never overwrite in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` by writing a temporary file in
    the same folder and renaming it over ``path`` (``os.replace``, atomic on POSIX).

    A reader sees the old file or the new one, never a half-written one; a failure leaves
    the old file as it was and removes the temporary one. The file gets mode 0644 (published
    files are read by other users). Creates missing parent folders. Returns ``path``.
    """
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` as :func:`write_text_atomic` writes text (temporary file
    in the same folder, then ``os.replace``; mode 0644). Returns ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
