"""nginx (Debian package) in front of two public replicas (scripts/replicas.sh), driven by the project's
load generator speaking Streamlit's websocket protocol: sticky sessions that name their replica, new
visitors on the least busy replica, websockets, the pre-compressed static bundle from disk, and a
visitor whose replica went down gets a new one."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from benchmarks import loadgen
from sozialatlas import paths

SCRIPT = paths.ROOT / "scripts" / "replicas.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def replicas(db_path, tmp_path):
    if not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx fehlt (apt-get install nginx-light)")
    snap = tmp_path / "snapshot.duckdb"
    shutil.copyfile(db_path, snap)
    env = dict(
        os.environ,
        SOZIALATLAS_SNAPSHOT=str(snap),
        REPLICAS_DIR=str(tmp_path / "replikate"),
        NGINX_PORT=str(_free_port()),
        REPLICA_BASE_PORT=str(_free_port() // 10 * 10 - 10),  # replicas on base+1, base+2
        PYTHON=str(paths.ROOT / ".venv" / "bin" / "python"),
    )
    try:
        subprocess.run(["bash", str(SCRIPT), "start", "2"], env=env, check=True, timeout=240, capture_output=True)
        yield f"http://127.0.0.1:{env['NGINX_PORT']}", env
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=env, timeout=60, capture_output=True)


def _get(url: str, headers: dict | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def test_nginx_spreads_sticky_sessions_over_both_replicas_with_gzip(replicas):
    url, env = replicas
    # one visitor keeps its replica (cookie), new visitors are spread over both
    status, headers, html = _get(url + "/")
    assert status == 200
    cookie = re.search(r"sa_replik=(r[12]);", headers["Set-Cookie"]).group(1)
    first = headers["X-Replikat"]
    for _ in range(4):
        assert _get(url + "/", {"Cookie": f"sa_replik={cookie}"})[1]["X-Replikat"] == first
    seen = {_get(url + "/")[1]["X-Replikat"] for _ in range(12)}
    assert len(seen) == 2, seen

    # Streamlit's metrics and upload endpoints are closed at the proxy
    for path, code in (("/_stcore/metrics", 404), ("/_stcore/upload_file/x/y", 403)):
        try:
            _get(url + path)
            raise AssertionError(f"{path} answered")
        except urllib.error.HTTPError as exc:
            assert exc.code == code, (path, exc.code)

    # the static bundle comes compressed from nginx's disk copy (Streamlit sends it uncompressed), the
    # same bytes as the replica's, cacheable for good (content-hashed names)
    js = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', html.decode()).group(1)
    status, headers, body = _get(f"{url}/{js}", {"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
    assert "immutable" in headers.get("Cache-Control", "")
    replica = f"http://127.0.0.1:{int(env['REPLICA_BASE_PORT']) + 1}"
    assert gzip.decompress(body) == _get(f"{replica}/{js}")[2]
    assert len(gzip.decompress(body)) > 2 * len(body)
    if shutil.which("brotli"):
        status, headers, br_body = _get(f"{url}/{js}", {"Accept-Encoding": "gzip, br"})
        assert headers.get("Content-Encoding") == "br"
        assert len(br_body) < len(body)

    # websocket through nginx: the load generator gets whole pages and year changes without errors, and
    # simultaneous new visitors land on both replicas
    res = loadgen.measure(url, [4], page="kreisvergleich", actions=1, dauer=180)[0]
    assert res["fehler"] == 0, res["fehlerarten"]
    assert res["laeufe"] == 4
    assert len(res["replikate"]) == 2, res["replikate"]

    # the visitor's replica goes down: the next page load is served by the other one, with a new cookie
    down = "r1" if cookie == "r2" else "r2"
    pid = int((Path(env["REPLICAS_DIR"]) / f"replik-{down[1]}" / "pid").read_text())
    os.kill(pid, 15)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    status, headers, _ = _get(url + "/", {"Cookie": f"sa_replik={down}"})
    assert status == 200
    assert f"sa_replik={cookie};" in headers["Set-Cookie"]


def test_load_generator_refuses_other_hosts():
    with pytest.raises(SystemExit, match="nur gegen diesen Rechner"):
        loadgen.measure("http://example.org:8080", [1])
