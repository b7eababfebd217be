"""The instance secret: the key of the hashes that find a customer by phone number without
storing the number.

`moqi init` creates it once, as MOQI_HOME/secret.key (mode 0600), and never replaces it: a new
secret would orphan every stored key. MOQI_SECRET_KEY overrides the file, so that several
machines sharing one PostgreSQL database use the same key. Nothing else creates it: a command
that finds no secret says to run `moqi init` (or to set MOQI_SECRET_KEY) rather than quietly
making a different one on each machine.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from moqi.settings import Settings, get_settings

FILE_NAME = "secret.key"


class SecretMissing(RuntimeError):
    """No instance secret: neither MOQI_SECRET_KEY nor MOQI_HOME/secret.key."""


def secret_path(settings: Settings | None = None) -> Path:
    """Where `moqi init` keeps the secret of this instance."""
    return (settings or get_settings()).home / FILE_NAME


def secret_configured(settings: Settings | None = None) -> bool:
    """Whether this machine has a secret (the setting or the file)."""
    settings = settings or get_settings()
    return bool(settings.secret_key) or secret_path(settings).is_file()


def instance_secret() -> bytes:
    """The secret in force; SecretMissing (saying what to do) when there is none."""
    settings = get_settings()
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = secret_path(settings)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise SecretMissing(
            f"no instance secret at {path}: run `moqi init` to create it, or set MOQI_SECRET_KEY "
            "(the same value on every machine that shares the database)"
        ) from None
    # Read once per version of the file: phone lookups happen on every call set-up.
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read(path: str, _mtime_ns: int, _size: int) -> bytes:
    value = Path(path).read_text(encoding="utf-8").strip()
    if not value:
        raise SecretMissing(
            f"the instance secret {path} is empty: restore it from a backup, or set MOQI_SECRET_KEY"
        )
    return value.encode("utf-8")


def make_home(home: Path) -> None:
    """Create the instance directory, readable by its owner only (it holds the database and
    the secret); an existing directory is left as it is."""
    home.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_secret() -> tuple[Path | None, bool]:
    """For `moqi init` only: make MOQI_HOME/secret.key (0600) unless it exists or
    MOQI_SECRET_KEY is set. Returns (the file, or None when the setting is in force; whether it
    was created now). An existing file is never overwritten."""
    settings = get_settings()
    if settings.secret_key:
        return None, False
    path = secret_path(settings)
    if path.exists():
        return path, False
    make_home(settings.home)
    # Write a private temporary file, then link it into place: the link fails if another
    # `moqi init` got there first, and no reader ever sees a half-written secret.
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # a stale file left by a crash keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path, False
    finally:
        tmp.unlink(missing_ok=True)
    return path, True
