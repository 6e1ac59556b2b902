"""Instance settings: public (read-only) or admin, and how admins prove who they are.

One switch makes an instance public: the environment variable SOZIALATLAS_PUBLIC=1. An environment
variable (not a Streamlit secret) because the command line, the library and the app must all agree
and a replica is configured by its service unit or container anyway.

Works without Streamlit, so the command line and every write function can ask it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping

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
            "`python -m sozialatlas publish --out DATEI` neu veröffentlichen."
        )


# scrypt with a random salt per password: slow on purpose (≈ 50 ms, 16 MB), so a stolen secrets.toml
# cannot be tried against word lists at GPU speed as the old unsalted SHA-256 could.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_log = logging.getLogger("sozialatlas.anmeldung")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The value for `[admin] password_scrypt`: 'scrypt$N$r$p$salt$hash' (salt and hash base64)."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def _check_scrypt(given: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        want = base64.b64decode(digest)
        got = hashlib.scrypt(
            given.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(want)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, want)


def password_configured(admin: Mapping | None) -> bool:
    """The `[admin]` section of secrets.toml holds a usable password (scrypt hash, old hash or plain)."""
    if not admin:
        return False
    return bool(
        str(admin.get("password_scrypt", "")).strip()
        or str(admin.get("password_sha256", "")).strip()
        or str(admin.get("password", ""))
    )


def password_deprecation(admin: Mapping | None) -> str | None:
    """A German warning when the password is still stored in an old form, else None."""
    if not admin or str(admin.get("password_scrypt", "")).strip():
        return None
    if str(admin.get("password_sha256", "")).strip() or str(admin.get("password", "")):
        return (
            "Das Verwaltungspasswort ist noch im alten Format gespeichert (password_sha256 oder password, "
            "ohne Salz und schnell zu erraten). Bitte mit `python -m sozialatlas passwort` einen Eintrag "
            "„password_scrypt“ erzeugen, in .streamlit/secrets.toml eintragen und den alten Eintrag löschen."
        )
    return None


def check_password(given: str, admin: Mapping | None) -> bool:
    """Compare a typed password with `[admin] password_scrypt` (preferred), or the deprecated
    `password_sha256` / plain `password`. Constant-time comparison throughout."""
    if not admin or not isinstance(given, str) or not given:
        return False
    stored = str(admin.get("password_scrypt", "")).strip()
    if stored:
        return _check_scrypt(given, stored)
    digest = str(admin.get("password_sha256", "")).strip().lower()
    if digest:
        return hmac.compare_digest(hashlib.sha256(given.encode("utf-8")).hexdigest(), digest)
    plain = str(admin.get("password", ""))
    if plain:
        return hmac.compare_digest(given.encode("utf-8"), plain.encode("utf-8"))
    return False


class LoginThrottle:
    """One limit for the whole server process, not per browser session (parallel sessions used to
    multiply the guessing rate): attempts run one at a time, and every failure in a row doubles the
    wait before the answer (0,5 s, 1 s, 2 s … up to `max_delay`). A success resets it."""

    def __init__(self, base: float = 0.5, max_delay: float = 30.0, sleep: Callable[[float], None] = time.sleep):
        self.base, self.max_delay, self._sleep = base, max_delay, sleep
        self.failures = 0
        self._lock = threading.Lock()

    def delay(self) -> float:
        return 0.0 if not self.failures else min(self.base * 2 ** (self.failures - 1), self.max_delay)

    def attempt(self, name: str, password: str, admin: Mapping | None) -> bool:
        with self._lock:
            ok = check_password(password, admin)
            if ok:
                self.failures = 0
                _log.info("Anmeldung für die Verwaltung: %r", name)
                return True
            self.failures += 1
            wait = self.delay()
            # Never the password, not even a part of it: only who tried and how often.
            _log.warning(
                "Fehlgeschlagene Anmeldung für die Verwaltung (Name %r, %d. Fehlversuch in Folge, %.1f s Wartezeit)",
                name,
                self.failures,
                wait,
            )
            self._sleep(wait)
            return False


LOGIN_THROTTLE = LoginThrottle()
