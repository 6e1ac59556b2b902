#!/usr/bin/env bash
# One command: set up everything and start the Sozialatlas on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup-venv.sh requirements.txt
echo "» Prüfe/baue die Datenbank aus data/ und geodata/ …"
.venv/bin/python -m sozialatlas build --wenn-noetig >/dev/null
echo "» Starte den Sozialatlas: http://localhost:${PORT:-8501}"
EXTRA=()
case "${SOZIALATLAS_PUBLIC:-}" in
  # public instance: Streamlit's upload endpoint refuses every file (no page has an uploader)
  1|true|True|TRUE|ja|yes|on) EXTRA=(--server.maxUploadSize 0) ;;
esac
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "${EXTRA[@]}" "$@"
