"""The lock in front of the admin pages (Import, Versionen, Planungsräume verwalten).

Ways in, first match wins:
1. SOZIALATLAS_ADMIN_OPEN=1: no login (a planner's own computer, tests). Never on a public instance.
2. `[auth]` in .streamlit/secrets.toml: single sign-on (OIDC) through st.login; optionally only the
   addresses in `[admin] erlaubte_emails`.
3. `[admin] password_scrypt` (from `python -m sozialatlas passwort`; the old `password_sha256` or plain
   `password` still work, with a German deprecation warning) in .streamlit/secrets.toml: a password form,
   behind one process-wide throttle (settings.LOGIN_THROTTLE). Streamlit keeps the login in the session,
   which a reload (F5) replaces: a password login does not survive F5 (OIDC via st.login does, by cookie).
Without any of these the pages stay locked and say how to set a password.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

from sozialatlas import settings

SESSION_KEY = "admin_wer"

SETUP_HELP = """Die Verwaltungsseiten sind gesperrt, weil kein Passwort eingerichtet ist.

So richten Sie eines ein (auf dem Server, im Ordner des Sozialatlas):

1. Den Eintrag erzeugen (fragt das Passwort zweimal ab, gibt es nie aus):
   `python -m sozialatlas passwort`
2. Die ausgegebenen Zeilen in die Datei `.streamlit/secrets.toml` eintragen (Vorlage:
   `.streamlit/secrets.toml.example`):

   ```toml
   [admin]
   password_scrypt = "scrypt$16384$8$1$…"
   ```
3. Den Sozialatlas neu starten.

Auf dem eigenen Rechner ohne Anmeldung: mit `SOZIALATLAS_ADMIN_OPEN=1` starten.
Einzelheiten: docs/BETRIEB.md."""


def locked_text(kontakt: str | None = None) -> str:
    """What a locked admin page says: in plain German, whom to ask (`[admin] kontakt` in secrets.toml)."""
    wer = (
        f"Bitte wenden Sie sich an: {kontakt.strip()}."
        if isinstance(kontakt, str) and kontakt.strip()
        else "Bitte wenden Sie sich an die Stelle, die den Sozialatlas in Ihrem Haus betreibt – meist die "
        "IT-Abteilung oder die Fachadministration der Sozialplanung."
    )
    return (
        "Die Verwaltungsseiten (Import, Versionen, Planungsräume verwalten) sind gesperrt, weil für diesen "
        f"Sozialatlas noch kein Zugang eingerichtet ist. {wer} Bitten Sie darum, einen Zugang für die "
        "Verwaltung einzurichten; die Anleitung dafür steht im Betriebshandbuch (docs/BETRIEB.md, Abschnitt "
        "„Anmeldung“). Alle anderen Seiten des Atlas können Sie ohne Anmeldung nutzen."
    )


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml at all, or an unreadable one
        return {}


def _oidc(auth: dict, admin: dict) -> str:
    if not st.user.get("is_logged_in"):
        st.info("Die Verwaltung ist nur nach Anmeldung zugänglich.")
        provider = admin.get("oidc_provider")
        if st.button("Anmelden", type="primary"):
            try:
                st.login(*([provider] if provider else []))
            except StreamlitAPIException as exc:  # e.g. Authlib not installed, [auth] incomplete
                st.error(
                    "Die Anmeldung über den Identitätsanbieter ist nicht betriebsbereit "
                    f"({type(exc).__name__}). Siehe docs/BETRIEB.md, Abschnitt „Anmeldung“."
                )
        st.stop()
    email = str(st.user.get("email") or "")
    allowed = [str(e).strip().lower() for e in admin.get("erlaubte_emails", [])]
    if allowed and email.lower() not in allowed:
        st.error("Ihr Konto ist für die Verwaltung nicht freigegeben.")
        if st.button("Abmelden"):
            st.logout()
        st.stop()
    with st.sidebar:
        if st.button("Abmelden", key="admin_abmelden"):
            st.logout()
    return str(st.user.get("name") or email or "angemeldet")


def _login(admin: dict) -> None:
    # Runs as the form's callback, so the attempt survives a rerun before the form's line.
    wer = str(st.session_state.get("admin_name") or "").strip()
    pw = st.session_state.get("admin_passwort") or ""
    st.session_state["admin_passwort"] = ""
    if not wer:
        st.session_state["admin_fehler"] = "Bitte Ihren Namen angeben."
    elif settings.LOGIN_THROTTLE.attempt(wer, pw, admin):
        st.session_state[SESSION_KEY] = wer
        st.session_state.pop("admin_fehler", None)
    else:
        st.session_state["admin_fehler"] = (
            "Das Passwort ist falsch. Nach jedem Fehlversuch dauert die nächste Prüfung länger."
        )


def _logout() -> None:
    st.session_state.pop(SESSION_KEY, None)


def _password(admin: dict) -> str:
    if st.session_state.get(SESSION_KEY):
        with st.sidebar:
            st.caption("Angemeldet für die Verwaltung")
            st.button("Abmelden", key="admin_abmelden", on_click=_logout)
        return st.session_state[SESSION_KEY]
    st.info(
        "Die Verwaltung ist durch ein Passwort geschützt. Die Anmeldung gilt für dieses Browserfenster; nach "
        "dem Neuladen der Seite (F5) ist sie erneut nötig."
    )
    warnung = settings.password_deprecation(admin)
    if warnung:
        st.warning(warnung, icon=":material/key:")
    with st.form("admin_login"):
        st.text_input("Ihr Name (erscheint in der Versionsliste)", max_chars=80, key="admin_name")
        st.text_input("Passwort", type="password", key="admin_passwort")
        st.form_submit_button("Anmelden", type="primary", on_click=_login, args=(admin,))
    if st.session_state.get("admin_fehler"):
        st.error(st.session_state["admin_fehler"])
    st.stop()


def require_admin() -> str:
    """Stop the page unless the visitor may administer; returns who it is (for the version list)."""
    if settings.is_public():
        st.error("Diese Seite gibt es auf der öffentlichen Instanz nicht.")
        st.stop()
    if settings.admin_open():
        return st.session_state.get(SESSION_KEY) or "lokal (ohne Anmeldung)"
    secrets = _secrets()
    admin = secrets.get("admin") or {}
    if secrets.get("auth"):
        return _oidc(secrets["auth"], admin)
    if not settings.password_configured(admin):
        # Office staff see whom to ask, not shell commands; the setup steps are for IT (docs/BETRIEB.md).
        st.warning(locked_text(admin.get("kontakt")), icon=":material/lock:")
        st.stop()
    return _password(admin)
