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
# NGINX_PORT (8080), REPLICA_BASE_PORT (8600: replica i listens on 8600+i), STATIC_CACHE_DIR (pre-compressed
# copies of Streamlit's bundle, one per version; default /var/tmp/sozialatlas-static-<uid>), BROTLI_LEVEL (11).
#
# What nginx does here (and in production, docs/BETRIEB.md):
# - sticky sessions: a new visitor goes to the replica with the fewest open connections (least_conn: each
#   tab holds a websocket) and gets a cookie naming it (`sa_replik=r1`); its websocket and page loads then
#   reach the replica that holds its session, and a visitor whose replica is down gets another one.
#   `ip_hash` would put every visitor behind one office proxy on the same replica, and a random cookie
#   hashed over the replicas split 10 simultaneous visitors 8:2;
# - websocket proxying for /_stcore/stream (Upgrade/Connection, long read timeout), keep-alive to the
#   replicas for everything else;
# - Streamlit's static bundle (served uncompressed by Streamlit) from a pre-compressed copy on disk
#   (brotli -q 11 with Debian's `brotli` and libnginx-mod-http-brotli-static, gzip -9 always), so neither
#   the replicas' Python threads nor per-request compression spend time on megabytes of JavaScript;
#   anything not in the copy is fetched from a replica and cached; other responses are gzip/brotli'd.
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
# pre-compressed copy of Streamlit's frontend bundle, one per Streamlit version, shared by all starts
STATIC_CACHE="${STATIC_CACHE_DIR:-/var/tmp/sozialatlas-static-$(id -u)}"
BROTLI_LEVEL="${BROTLI_LEVEL:-11}"
STATIC_ROOT=""

die() { echo "replicas.sh: $*" >&2; exit 1; }

wait_health() {  # url, seconds
  local url="$1" n="$2"
  for _ in $(seq "$n"); do
    curl -fs "$url/_stcore/health" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}

prepare_static() {
  # Streamlit's frontend bundle (≈ 26 MB, 317 JS chunks), copied once per Streamlit version and
  # pre-compressed at the strongest levels (brotli -q 11, gzip -9): nginx then serves it from disk with
  # gzip_static/brotli_static — no Python thread and no per-request compression touches it, and it is
  # ≈ 10 % smaller than brotli 5 on the fly. Building takes ≈ 40 s CPU once; later starts reuse it.
  local ver src tmp
  ver="$("$PY" -c 'import streamlit; print(streamlit.__version__)')" || die "Streamlit fehlt in $PY"
  src="$("$PY" -c 'import os, streamlit; print(os.path.join(os.path.dirname(streamlit.__file__), "static", "static"))')"
  STATIC_ROOT="$STATIC_CACHE/$ver"
  [ -f "$STATIC_ROOT/.fertig" ] && return 0
  mkdir -p "$STATIC_CACHE"
  chmod 755 "$STATIC_CACHE"
  tmp="$(mktemp -d "$STATIC_CACHE/.neu-XXXXXX")"
  cp -r "$src" "$tmp/static"
  find "$tmp/static" -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \) -size +1k -print0 \
    | xargs -0 -r -P "$(nproc)" -n 16 gzip -9 -k -f
  if command -v brotli >/dev/null; then
    find "$tmp/static" -type f \( -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.json' \) -size +1k -print0 \
      | xargs -0 -r -P "$(nproc)" -n 16 brotli -q "$BROTLI_LEVEL" -k -f
  fi
  touch "$tmp/.fertig"
  chmod -R a+rX "$tmp"
  # another start may have been faster: then keep its copy
  mv -T "$tmp" "$STATIC_ROOT" 2>/dev/null || rm -rf "$tmp"
}

write_conf() {
  local n="$1" servers="" singles="" cookie_map="" served_map="" modules="" brotli_conf="" brotli_static=""
  for i in $(seq "$n"); do
    local port=$((BASE_PORT + i))
    servers+="        server 127.0.0.1:$port max_fails=3 fail_timeout=10s;"$'\n'
    singles+="    upstream sa_r$i { server 127.0.0.1:$port; keepalive 8; }"$'\n'
    cookie_map+="        r$i sa_r$i;"$'\n'
    served_map+="        ~127\\.0\\.0\\.1:$port\$ r$i;"$'\n'
  done
  if [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
    modules+="load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;"$'\n'
    brotli_conf="brotli on; brotli_comp_level 5; brotli_min_length 1024;
    brotli_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;"
  fi
  if [ -f /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] && command -v brotli >/dev/null; then
    modules+="load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;"$'\n'
    brotli_static="brotli_static on;"
  fi
  mkdir -p "$NGX_TMP/tmp" "$NGX_TMP/cache"
  chmod 755 "$NGX_TMP"
  chmod 1777 "$NGX_TMP/tmp" "$NGX_TMP/cache"
  # websocket proxying, used by the sticky location and by its fallback to a new replica
  local stream_headers='proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 86400s;
            proxy_buffering off;'
  cat >"$DIR/nginx.conf" <<EOF
$modules
worker_processes auto;
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

    # Sticky sessions: a new visitor goes to the replica with the fewest open connections (each tab
    # holds one websocket, so: the fewest sessions) and gets a cookie naming it; later requests with
    # the cookie go to that replica. (A random cookie hashed over the replicas split 10 visitors 8:2.)
    upstream sozialatlas {
        least_conn;
$servers        keepalive 16;
    }
$singles
    map \$cookie_sa_replik \$sa_upstream {
        default sozialatlas;
$cookie_map    }
    # which replica answered (the last address if nginx had to try another one)
    map \$upstream_addr \$sa_served {
        default \$cookie_sa_replik;
$served_map    }
    map \$http_upgrade \$connection_upgrade { default upgrade; "" ""; }

    gzip on; gzip_comp_level 6; gzip_min_length 1024; gzip_proxied any; gzip_vary on;
    gzip_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;
    $brotli_conf

    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 1m;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;  # with the port: Streamlit compares it with the Origin of the websocket
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header Connection "";     # keep-alive connections to the replicas
        add_header Set-Cookie "sa_replik=\$sa_served; Path=/; HttpOnly; SameSite=Lax" always;
        # which replica answered (for the load test; drop it in production)
        add_header X-Replikat \$upstream_addr always;

        location /_stcore/stream {
            proxy_pass http://\$sa_upstream;
            # (proxy_set_header is not inherited once a location sets its own: repeat Host here)
            $stream_headers
            # the cookie's replica is down: a new session on another one
            error_page 502 504 = @stream_neu;
        }
        location @stream_neu {
            proxy_pass http://sozialatlas;
            $stream_headers
        }
        # Streamlit cannot switch these off; a public instance exposes neither
        location /_stcore/metrics { return 404; }
        location /_stcore/upload_file { return 403; }
        # Streamlit's bundle, pre-compressed, from disk (file names carry content hashes: cache for a year)
        location /static/ {
            root $STATIC_ROOT;
            gzip_static on;
            $brotli_static
            add_header Cache-Control "public, max-age=31536000, immutable";
            try_files \$uri @static_replik;
        }
        location @static_replik {
            proxy_pass http://sozialatlas;
            proxy_cache sa_static;
            proxy_cache_valid 200 1d;
            proxy_ignore_headers Set-Cookie;
        }
        location / {
            proxy_pass http://\$sa_upstream;
            error_page 502 504 = @neu;
        }
        location @neu {
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
  prepare_static
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
