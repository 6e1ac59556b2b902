"""„Zur Präsentation hinzufügen“: one sidebar control on every atlas view of the admin instance.

Every view is a URL (its state lives in the address), so the current page's url_path plus st.query_params
is exactly the Folie a planner wants. The control lets them pick a Präsentation or start a new one, type a
title and a Kernaussage, and saves through the same checks as the Präsentationen page
(views.praesentation.append_folie → store.praesentationen.save: one version per change). It is drawn
from app.py after the page ran, so the address already holds the state the page published; no page needs
to know about it. Never on the public instance (read-only), never on pages that are not slide material.
"""

from __future__ import annotations

import streamlit as st

from sozialatlas import settings
from sozialatlas.store import praesentationen as store
from sozialatlas.ui import auth, data
from sozialatlas.ui import praesentation as ui
from sozialatlas.ui.plain import md, text
from sozialatlas.views import praesentation as pv

NEU = -1
KEY = "zp"  # prefix of every widget key here (the control lives on every page)


def current_url(url_path: str, params: dict[str, str]) -> str | None:
    """`/kreisvergleich?indikator=…` of the shown view, or None if the page cannot become a Folie."""
    seite = url_path.strip("/") or "start"
    if seite not in pv.SEITEN:
        return None
    return pv.canonical_url(seite, {k: str(v) for k, v in params.items()})


def who() -> str | None:
    """Who may write, without stopping the page the way auth.require_admin does (None: not logged in)."""
    if settings.is_public():
        return None
    if settings.admin_open():
        return st.session_state.get(auth.SESSION_KEY) or "lokal (ohne Anmeldung)"
    if st.session_state.get(auth.SESSION_KEY):
        return str(st.session_state[auth.SESSION_KEY])
    secrets = auth._secrets()
    if secrets.get("auth"):
        try:
            logged_in = bool(st.user.get("is_logged_in"))
        except Exception:  # noqa: BLE001 - st.user unavailable without a configured provider
            logged_in = False
        if logged_in:
            email = str(st.user.get("email") or "")
            allowed = [str(e).strip().lower() for e in (secrets.get("admin") or {}).get("erlaubte_emails", [])]
            if not allowed or email.lower() in allowed:
                return str(st.user.get("name") or email or "angemeldet")
    return None


def _add(url: str, wer: str) -> None:
    """Form callback: check, save as one version, remember what to say (a callback cannot draw)."""
    wahl = st.session_state.get(f"{KEY}_wahl", NEU)
    folie = {
        "titel": st.session_state.get(f"{KEY}_titel") or "",
        "kernaussage": st.session_state.get(f"{KEY}_kern") or "",
        "url": url,
    }
    con = data.connection()
    got = None if wahl in (None, NEU) else store.get(con, int(wahl))
    if wahl not in (None, NEU) and got is None:
        st.session_state[f"{KEY}_fehler"] = ["Diese Präsentation gibt es nicht mehr."]
        return
    satz, folien = got if got else (None, [])
    try:
        clean, alle = pv.append_folie(con, satz, folien, folie, st.session_state.get(f"{KEY}_neu") or "")
    except pv.PraesentationInputError as exc:
        st.session_state[f"{KEY}_fehler"] = exc.fehler
        return
    with data.writing() as wcon:
        sid = store.save(wcon, clean, alle, wer)
    st.session_state.pop(f"{KEY}_fehler", None)
    st.session_state[f"{KEY}_ok"] = (sid, clean["titel"], len(alle))
    st.session_state[f"{KEY}_wahl"] = sid
    for k in ("titel", "kern", "neu"):
        st.session_state[f"{KEY}_{k}"] = ""


def sidebar(page) -> None:
    """The expander in the sidebar (admin instance, atlas views only)."""
    if settings.is_public():
        return
    url = current_url(getattr(page, "url_path", ""), st.query_params.to_dict())
    if url is None:
        return
    with st.sidebar.expander("Zur Präsentation hinzufügen", icon=":material/add_to_queue:"):
        wer = who()
        if wer is None:
            st.caption("Folien speichern nur angemeldete Planerinnen und Planer (Verwaltung).")
            st.page_link("app_pages/praesentationen.py", label="Zur Anmeldung: Präsentationen")
            return
        decks = ui.decks(False)
        options = [NEU] + [int(i) for i in decks["id"]]
        names = {NEU: "– neue Präsentation –"} | {
            int(r.id): f"{text(r.titel)} ({int(r.folien)} Folien)" for r in decks.itertuples()
        }
        if st.session_state.get(f"{KEY}_wahl") not in options:
            st.session_state[f"{KEY}_wahl"] = NEU
        st.caption("Diese Ansicht als Folie:")
        st.code(url, language=None, wrap_lines=True)
        with st.form(f"{KEY}_form", border=False):
            st.selectbox("Präsentation", options, format_func=names.get, key=f"{KEY}_wahl")
            st.text_input(
                "Titel einer neuen Präsentation",
                key=f"{KEY}_neu",
                max_chars=pv.MAX_TITEL,
                help="Nur nötig, wenn oben „neue Präsentation“ gewählt ist.",
            )
            st.text_input("Titel der Folie", key=f"{KEY}_titel", max_chars=pv.MAX_TITEL)
            st.text_area("Kernaussage", key=f"{KEY}_kern", max_chars=pv.MAX_KERNAUSSAGE, height=90)
            st.form_submit_button(
                "Folie hinzufügen", type="primary", icon=":material/add:", on_click=_add, args=(url, wer)
            )
        fehler = st.session_state.pop(f"{KEY}_fehler", None)
        if fehler:
            st.error("Nicht gespeichert – bitte korrigieren:\n\n" + "\n".join(f"- {md(f)}" for f in fehler))
        ok = st.session_state.pop(f"{KEY}_ok", None)
        if ok:
            sid, titel, n = ok
            st.success(f"Folie {n} zu „{md(titel)}“ hinzugefügt.")
            st.page_link(
                "app_pages/praesentationsmodus.py",
                label="Im Präsentationsmodus zeigen",
                icon=":material/slideshow:",
                query_params={"p": str(sid), "folie": str(n)},
            )
