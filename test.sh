#!/usr/bin/env bash
# One command: set up everything (venv, Debian chromium for the browser tests) and run all tests.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "» Installiere Debian-Paket chromium (für die Browser-Tests) …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "» chromium fehlt: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
bash scripts/setup-venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
