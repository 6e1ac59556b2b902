"""Instance settings: public (read-only) or admin, and how admins prove who they are.

One switch makes an instance public: the environment variable SOZIALATLAS_PUBLIC=1. An environment
variable (not a Streamlit secret) because the command line, the library and the app must all agree
and a replica is configured by its service unit or container anyway.

Works without Streamlit, so the command line and every write function can ask it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from sozialatlas.errors import SozialatlasError

PUBLIC_ENV = "SOZIALATLAS_PUBLIC"
# Local use and tests only: admin pages open without a password. Ignored on a public instance.
ADMIN_OPEN_ENV = "SOZIALATLAS_ADMIN_OPEN"

_TRUE = {"1", "true", "ja", "yes", "on"}


class ReadOnlyError(SozialatlasError):
    """A write was attempted where writing is not allowed (public instance, published snapshot)."""


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def is_public() -> bool:
    """True on a public, read-only instance (SOZIALATLAS_PUBLIC=1)."""
    return _flag(PUBLIC_ENV)


def admin_open() -> bool:
    """True when admin pages need no login (SOZIALATLAS_ADMIN_OPEN=1, never on a public instance)."""
    return _flag(ADMIN_OPEN_ENV) and not is_public()


def require_admin() -> None:
    """Every function that writes calls this first: a public instance has no write path at all."""
    if is_public():
        raise ReadOnlyError(
            "Diese Instanz ist öffentlich und schreibgeschützt (SOZIALATLAS_PUBLIC=1): hier können keine "
            "Daten geändert werden. Änderungen auf der Verwaltungsinstanz vornehmen und mit "
            "`python -m sozialatlas publish --out DATEI` neu veröffentlichen.")


def password_configured(admin: Mapping | None) -> bool:
    """The `[admin]` section of secrets.toml holds a usable password (hash or plain)."""
    if not admin:
        return False
    return bool(str(admin.get("password_sha256", "")).strip() or str(admin.get("password", "")))


def check_password(given: str, admin: Mapping | None) -> bool:
    """Compare a typed password with `[admin] password_sha256` (preferred) or `[admin] password`.

    Constant-time comparison, so the answer time does not reveal how much of the password was right.
    """
    if not admin or not isinstance(given, str) or not given:
        return False
    digest = str(admin.get("password_sha256", "")).strip().lower()
    if digest:
        return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).hexdigest(), digest)
    plain = str(admin.get("password", ""))
    if plain:
        return hmac.compare_digest(given.encode("utf-8"), plain.encode("utf-8"))
    return False
