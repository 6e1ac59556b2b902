#!/usr/bin/env bash
# One command: set up everything (venv, Debian packages for the browser and proxy tests) and run all tests.
set -euo pipefail
cd "$(dirname "$0")"
# Debian packages the tests drive: chromium (Playwright never downloads a browser), nginx with brotli
# (two public replicas behind a reverse proxy).
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ] || need+=(libnginx-mod-http-brotli-filter)
[ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || need+=(libnginx-mod-http-brotli-static)
command -v brotli >/dev/null || need+=(brotli)  # replicas.sh pre-compresses the static bundle
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "» Installiere Debian-Pakete für die Tests: ${need[*]} …"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "» Es fehlen Debian-Pakete: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
bash scripts/setup-venv.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
