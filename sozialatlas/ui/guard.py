"""Start-up guards of the app (issue 14): the public instance accepts no uploads, and a database that
cannot be opened ends in a German page with what to do – never in Streamlit's English error page, and
never in a silent rebuild that would drop imports, Planungsräume and versions.
"""

from __future__ import annotations

import logging

import duckdb
import streamlit as st
from streamlit import config

from sozialatlas import paths, settings
from sozialatlas.store import db
from sozialatlas.ui import data

_log = logging.getLogger("sozialatlas.start")


def harden_public() -> None:
    """On a public instance no page has an uploader, yet Streamlit's upload endpoint
    (`PUT /_stcore/upload_file/<session>/<id>`) would accept files and keep them in memory. With
    `server.maxUploadSize` 0 Streamlit refuses every non-empty upload (HTTP 413) before reading the body;
    the option is read per request, so setting it on the first run covers the whole server. start.sh
    also passes it on the command line (docs/BETRIEB.md)."""
    if settings.is_public() and config.get_option("server.maxUploadSize") != 0:
        config.set_option("server.maxUploadSize", 0)


PUBLIC_BROKEN = (
    "Der Sozialatlas ist gerade nicht verfügbar: die veröffentlichten Daten dieser Instanz lassen sich nicht "
    "lesen. Bitte versuchen Sie es später noch einmal. Für den Betrieb: auf der Verwaltungsinstanz "
    "`python -m sozialatlas publish --out DATEI` erneut ausführen und die Datei dieser Instanz ersetzen "
    "(docs/BETRIEB.md, Abschnitt „Veröffentlichen“)."
)


def open_database() -> None:
    """data.ready() with a German page for every way the database can fail to open."""
    try:
        data.ready()
    except db.CorruptDatabase as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    except (db.DatabaseError, duckdb.Error, OSError) as exc:
        if not settings.is_public():
            raise
        # The visitor gets no file paths or engine messages; the operator finds them in the log.
        _log.error("Schnappschuss %s nicht lesbar: %s", paths.default_db_path(), exc)
        st.error(PUBLIC_BROKEN, icon=":material/error:")
        st.stop()
