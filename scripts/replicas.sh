#!/usr/bin/env bash
# nginx (Debian package) in front of N public, read-only Streamlit replicas — for trying the setup of
# docs/BETRIEB.md on one machine and for the load test (benchmarks/loadgen.py).
#
#   scripts/replicas.sh start [N=2]     # replicas on 127.0.0.1:8601…, nginx on 127.0.0.1:${NGINX_PORT:-8080}
#   scripts/replicas.sh status
#   scripts/replicas.sh stop            # stops exactly the processes this script started (PID files)
#
# Environment: SOZIALATLAS_SNAPSHOT (published snapshot to serve; default build/sozialatlas.duckdb),
# REPLICAS_DIR (state: copies, logs, PID files, nginx.conf; default /tmp/sozialatlas-replikate),
# NGINX_PORT (8080), REPLICA_BASE_PORT (8600: replica i listens on 8600+i).
#
# What nginx does here (and in production, docs/BETRIEB.md):
# - sticky sessions by a cookie nginx sets itself (`sa_replik`, random per browser): a tab's websocket and
#   its static files reach the replica that holds its session; `ip_hash` would put every visitor behind
#   one office proxy (and every local test client) on the same replica;
# - websocket proxying for /_stcore/stream (Upgrade/Connection, long read timeout);
# - gzip (and brotli, if Debian's libnginx-mod-http-brotli-filter is installed) of the static bundle
#   Streamlit serves uncompressed, and an nginx cache for /static/ (file names carry content hashes), so
#   the replicas' single Python threads do not spend time on megabytes of JavaScript.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${REPLICAS_DIR:-/tmp/sozialatlas-replikate}"
NGINX_PORT="${NGINX_PORT:-8080}"
BASE_PORT="${REPLICA_BASE_PORT:-8600}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
# nginx workers run as an unprivileged user: their temp/cache directories must be reachable by it, also
# when $DIR sits in a private directory (e.g. a test's tmp_path)
NGX_TMP="${NGINX_TMP_DIR:-/tmp/sa-nginx-$(id -u)-$NGINX_PORT}"
NGINX="${NGINX:-/usr/sbin/nginx}"

die() { echo "replicas.sh: $*" >&2; exit 1; }

wait_health() {  # url, seconds
  local url="$1" n="$2"
  for _ in $(seq "$n"); do
    curl -fs "$url/_stcore/health" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

write_conf() {
  local n="$1" servers="" brotli_load="" brotli_conf=""
  for i in $(seq "$n"); do
    servers+="        server 127.0.0.1:$((BASE_PORT + i)) max_fails=3 fail_timeout=10s;"$'\n'
  done
  if [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
    brotli_load="load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;"
    brotli_conf="brotli on; brotli_comp_level 5; brotli_min_length 1024;
        brotli_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;"
  fi
  mkdir -p "$NGX_TMP/tmp" "$NGX_TMP/cache"
  chmod 755 "$NGX_TMP"
  chmod 1777 "$NGX_TMP/tmp" "$NGX_TMP/cache"
  cat >"$DIR/nginx.conf" <<EOF
$brotli_load
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log $DIR/nginx-access.log;
    client_body_temp_path $NGX_TMP/tmp/body;
    proxy_temp_path $NGX_TMP/tmp/proxy;
    fastcgi_temp_path $NGX_TMP/tmp/fastcgi;
    uwsgi_temp_path $NGX_TMP/tmp/uwsgi;
    scgi_temp_path $NGX_TMP/tmp/scgi;
    proxy_cache_path $NGX_TMP/cache levels=1:2 keys_zone=sa_static:10m max_size=200m inactive=1d;

    # Sticky: keep the browser's cookie, or give it a new random one (set on the response below).
    map \$cookie_sa_replik \$sa_replik { "" \$request_id; default \$cookie_sa_replik; }
    map \$http_upgrade \$connection_upgrade { default upgrade; "" close; }

    upstream sozialatlas {
        hash \$sa_replik consistent;
$servers    }

    gzip on; gzip_comp_level 6; gzip_min_length 1024; gzip_proxied any; gzip_vary on;
    gzip_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;
    $brotli_conf

    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 1m;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;  # with the port: Streamlit compares it with the Origin of the websocket
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        add_header Set-Cookie "sa_replik=\$sa_replik; Path=/; HttpOnly; SameSite=Lax" always;
        # which replica answered (for the load test; drop it in production)
        add_header X-Replikat \$upstream_addr always;

        location /_stcore/stream {
            proxy_pass http://sozialatlas;
            # (proxy_set_header is not inherited once a location sets its own: repeat Host here)
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 86400s;
            proxy_buffering off;
        }
        # Streamlit cannot switch these off; a public instance exposes neither
        location /_stcore/metrics { return 404; }
        location /_stcore/upload_file { return 403; }
        location /static/ {
            proxy_pass http://sozialatlas;
            proxy_cache sa_static;
            proxy_cache_valid 200 1d;
            proxy_ignore_headers Set-Cookie;
        }
        location / {
            proxy_pass http://sozialatlas;
        }
    }
}
EOF
}

start() {
  local n="${1:-2}"
  [ "$n" -ge 1 ] 2>/dev/null || die "Anzahl der Replikate: eine Zahl ≥ 1, nicht „$n“"
  [ -x "$NGINX" ] || die "nginx fehlt: apt-get install nginx-light (und libnginx-mod-http-brotli-filter)"
  local snap="${SOZIALATLAS_SNAPSHOT:-$ROOT/build/sozialatlas.duckdb}"
  [ -f "$snap" ] || die "Schnappschuss fehlt: $snap (python -m sozialatlas publish --out … oder SOZIALATLAS_SNAPSHOT setzen)"
  [ -f "$DIR/nginx.pid" ] && die "läuft schon ($DIR); erst: scripts/replicas.sh stop"
  mkdir -p "$DIR"
  for i in $(seq "$n"); do
    local port=$((BASE_PORT + i)) rdir="$DIR/replik-$i"
    mkdir -p "$rdir"
    cp "$snap" "$rdir/sozialatlas.duckdb.neu" && mv "$rdir/sozialatlas.duckdb.neu" "$rdir/sozialatlas.duckdb"
    (
      cd "$ROOT"
      SOZIALATLAS_PUBLIC=1 SOZIALATLAS_DB="$rdir/sozialatlas.duckdb" \
        STREAMLIT_SERVER_ALLOWED_HOSTS="127.0.0.1 localhost" \
        OPENBLAS_NUM_THREADS=1 \
        nohup "$PY" -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 \
        >"$rdir/streamlit.log" 2>&1 &
      echo $! >"$rdir/pid"
    )
  done
  write_conf "$n"
  "$NGINX" -t -c "$DIR/nginx.conf" -p "$DIR" >/dev/null 2>&1 || { "$NGINX" -t -c "$DIR/nginx.conf" -p "$DIR"; die "nginx.conf ungültig"; }
  "$NGINX" -c "$DIR/nginx.conf" -p "$DIR"
  for i in $(seq "$n"); do
    wait_health "http://127.0.0.1:$((BASE_PORT + i))" 90 || die "Replikat $i antwortet nicht (Log: $DIR/replik-$i/streamlit.log)"
  done
  wait_health "http://127.0.0.1:$NGINX_PORT" 10 || die "nginx antwortet nicht ($DIR/nginx-error.log)"
  echo "nginx http://127.0.0.1:$NGINX_PORT → $n Replikate (Ports $((BASE_PORT + 1))–$((BASE_PORT + n))), Zustand in $DIR"
}

stop() {
  if [ -f "$DIR/nginx.pid" ]; then
    "$NGINX" -c "$DIR/nginx.conf" -p "$DIR" -s quit 2>/dev/null || kill "$(cat "$DIR/nginx.pid")" 2>/dev/null || true
    for _ in $(seq 20); do [ -f "$DIR/nginx.pid" ] || break; sleep 0.2; done
    rm -f "$DIR/nginx.pid"
  fi
  rm -rf "$NGX_TMP"
  for pidfile in "$DIR"/replik-*/pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  echo "gestoppt ($DIR)"
}

status() {
  [ -f "$DIR/nginx.pid" ] && echo "nginx: PID $(cat "$DIR/nginx.pid"), Port $NGINX_PORT" || echo "nginx: aus"
  for pidfile in "$DIR"/replik-*/pid; do
    [ -f "$pidfile" ] || continue
    echo "$(basename "$(dirname "$pidfile")"): PID $(cat "$pidfile")"
  done
}

case "${1:-}" in
  start) start "${2:-2}" ;;
  stop) stop ;;
  status) status ;;
  *) die "Aufruf: scripts/replicas.sh start [N] | status | stop" ;;
esac
