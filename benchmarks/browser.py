"""Browser benchmark: time to a painted map in headless Chromium without GPU, beside the folium route.

    python -m benchmarks.browser [--runden 3] [--folium-venv /tmp/folium-venv] [--nginx http://127.0.0.1:8080]

Measured in Debian's /usr/bin/chromium (Playwright, --disable-gpu: software WebGL as on office PCs and
beamer laptops without graphics acceleration), interleaved per round so machine load hits all variants
alike:

- Projekt SVG: the pages as they are now — the static SVG map drawn by the server (render/svgmap.py)
  beside one HTML table;
- Projekt deck.gl: the same server, the same pages with `kartenart=interaktiv`: the pydeck/deck.gl map
  (software WebGL without GPU) — the map before the SVG became the default, still behind the toggle;
- with --mit-st-table also "Projekt deck.gl + st.table": the table as before the HTML table (st.table, one
  Markdown cell per value; SOZIALATLAS_BENCH_TABELLE=st.table in sozialatlas.ui.htmltable);
- Streamlit-Boden: benchmarks/boden_app.py — only the same SVG map in the same st.iframe on an otherwise
  empty Streamlit page (Kleinräumig only): the floor any Streamlit page with this map can reach; page
  overhead = Projekt SVG − Boden, Streamlit itself versus the map route = Boden vs folium;
- with --mit-img also "Boden <img>" and "projekt SVG <img>": the floor page and the project with the same
  SVG as an <img> data URI (st.html; SOZIALATLAS_BENCH_KARTE=img in sozialatlas.ui.svgmap) instead of
  the frame — whether the frame (srcdoc) itself costs time (the <img> has no tooltips);
- folium: benchmarks/folium_app.py (folium + streamlit-folium, same DuckDB, same protected values, same
  geometry, table as st.dataframe), run from a throwaway venv. Without that venv the comparison is skipped
  with a message saying how to create it (see benchmarks/folium_app.py).

Scenarios: Kleinräumig, all Thüringen (631 Gemeinden) and Kreisvergleich (23 Kreise); "kalt" = a new
browser context (empty HTTP cache, new session), "warm" = reload in that context. "Painted" = the first
moment the map's box on screen holds coloured areas (≥ 10 % of its pixels clearly not grey/white),
polled by screenshots of that box — the same criterion for deck.gl's canvas and Leaflet's SVG. Also
recorded: browser main-thread time until then (CDP TaskDuration) and bytes received (encoded, i.e. as on
the wire). With --nginx, the first visit through nginx (gzip/brotli) is measured too.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sozialatlas import paths

CHROMIUM = os.environ.get("SOZIALATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
FOLIUM_VENV = Path("/tmp/folium-venv")
SCENARIOS = {
    "Kleinräumig, Thüringen (631 Gemeinden)": {
        "projekt": "/kleinraeumig?ebene=gemeinde&kreis=16&indikator=arbeitslosenanteil&jahr=2021",
        "folium": "/?ebene=gemeinde",
        "boden": "/",
    },
    "Kreisvergleich (23 Kreise)": {
        "projekt": "/kreisvergleich?indikator=schuldnerquote&jahr=2021&gebietsstand=23",
        "folium": "/?ebene=kreis",
    },
}
MAP_SELECTOR = {
    "projekt": '[data-testid="stDeckGlJsonChart"]',
    "svg": 'iframe[data-testid="stIFrame"][title^="Karte"]',  # the SVG map sits in its own frame
    "folium": 'iframe[title^="streamlit_folium"], [data-testid="stCustomComponentV1"]',
    "img": 'img[alt^="Karte"]',
}
TIMEOUT = 180.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A Streamlit server on a free port; always stopped by `stop()` (kills exactly this process)."""

    def __init__(self, python: str, script: str, db_path: Path, env: dict | None = None, log_dir: Path | None = None):
        self.port = _free_port()
        e = dict(os.environ, SOZIALATLAS_DB=str(db_path), SOZIALATLAS_PUBLIC="1", OPENBLAS_NUM_THREADS="1")
        e.update(env or {})
        self.log = open((log_dir or Path(tempfile.gettempdir())) / f"bench-{self.port}.log", "w")
        self.proc = subprocess.Popen(
            [python, "-m", "streamlit", "run", script, "--server.port", str(self.port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=paths.ROOT,
            env=e,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"Server beendet: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("Server startet nicht")

    def rss_mb(self) -> float:
        from benchmarks.loadgen import rss_mb

        return rss_mb([self.proc.pid])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


def _coloured_share(png: bytes) -> float:
    from PIL import Image

    img = Image.open(io.BytesIO(png)).convert("RGB")
    img.thumbnail((160, 160))
    px = list(img.get_flattened_data()) if hasattr(img, "get_flattened_data") else list(img.getdata())
    return sum(1 for r, g, b in px if max(r, g, b) - min(r, g, b) > 40) / max(1, len(px))


def time_to_painted_map(page, url: str, selector: str, cdp) -> dict:
    """Seconds from navigation start to a painted map, main-thread seconds, bytes received."""
    received = {"bytes": 0}

    def on_finished(ev):
        received["bytes"] += int(ev.get("encodedDataLength", 0))

    def on_ws(ev):
        received["bytes"] += len(ev.get("response", {}).get("payloadData", "")) * 3 // 4  # base64 frames

    cdp.on("Network.loadingFinished", on_finished)
    cdp.on("Network.webSocketFrameReceived", on_ws)
    task0 = _task_duration(cdp)
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    deadline = t0 + TIMEOUT
    painted = None
    while time.perf_counter() < deadline:
        loc = page.locator(selector).first
        try:
            box = loc.bounding_box(timeout=200) if loc.count() else None
        except Exception:  # noqa: BLE001 - element re-mounting
            box = None
        if box and box["width"] > 50 and box["height"] > 50:
            png = page.screenshot(clip=box, animations="allow", timeout=10_000)
            if _coloured_share(png) >= 0.10:
                painted = time.perf_counter() - t0
                break
        page.wait_for_timeout(50)
    task = _task_duration(cdp) - task0
    cdp.remove_listener("Network.loadingFinished", on_finished)
    cdp.remove_listener("Network.webSocketFrameReceived", on_ws)
    if painted is None:
        raise RuntimeError(f"keine gemalte Karte nach {TIMEOUT:.0f} s: {url}")
    return {"s": painted, "main": task, "bytes": received["bytes"]}


def _task_duration(cdp) -> float:
    m = cdp.send("Performance.getMetrics")["metrics"]
    return next((x["value"] for x in m if x["name"] == "TaskDuration"), 0.0)


def measure_variant(browser, base: str, path: str, selector: str) -> dict:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    try:
        page = ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Performance.enable")
        cold = time_to_painted_map(page, base + path, selector, cdp)
        try:
            page.wait_for_load_state("networkidle", timeout=30_000)
        except Exception:  # noqa: BLE001 - a page still fetching (fonts, a late rerun) is reloaded anyway
            pass
        warm = time_to_painted_map(page, base + path, selector, cdp)
        return {"kalt": cold, "warm": warm}
    finally:
        ctx.close()


def nginx_only(args) -> int:
    """First visits (new browser context each) through nginx in front of the replicas: bytes on the wire
    with gzip/brotli, time to the painted map, and which replica answered."""
    from playwright.sync_api import sync_playwright

    base = args.nginx.rstrip("/")
    print(f"Erster Besuch über nginx {base} (neuer Browserkontext, leerer Cache), Median aus {max(1, args.runden)}")
    print(f"   {'Szenario':<40} {'MB über die Leitung':>20} {'Karte gemalt (s)':>17}  Ziel ≤ 2,5 MB")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for s, urls in SCENARIOS.items():
            runs = [
                measure_variant(browser, base, urls["projekt"], MAP_SELECTOR["svg"]) for _ in range(max(1, args.runden))
            ]
            mb = statistics.median(r["kalt"]["bytes"] for r in runs) / 1e6
            sec = statistics.median(r["kalt"]["s"] for r in runs)
            print(f"   {s:<40} {_fmt(mb):>20} {_fmt(sec):>17}  {'erreicht' if mb <= 2.5 else 'nicht erreicht'}")
        browser.close()
    return 0


def _fmt(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}".replace(".", ",") if b else "–"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="Datenbank (Standard: build/)")
    ap.add_argument("--runden", type=int, default=3)
    ap.add_argument("--folium-venv", type=Path, default=FOLIUM_VENV)
    ap.add_argument("--nginx", default=None, help="URL des nginx vor den Replikaten (scripts/replicas.sh)")
    ap.add_argument("--nur", choices=["gemeinde", "kreis"], default=None)
    ap.add_argument("--nur-nginx", action="store_true", help="nur den ersten Besuch über --nginx messen")
    ap.add_argument("--mit-st-table", action="store_true", help="auch die Tabelle als st.table (alte Basis)")
    ap.add_argument("--mit-img", action="store_true", help="auch Boden und Projekt mit der Karte als <img> statt Frame")
    ap.add_argument("--ohne-deckgl", action="store_true", help="ohne die deck.gl-Variante (schnellerer Lauf)")
    args = ap.parse_args(argv)
    if args.nur_nginx:
        if not args.nginx:
            raise SystemExit("--nur-nginx braucht --nginx URL")
        return nginx_only(args)
    from playwright.sync_api import sync_playwright

    from sozialatlas.store import db

    src = db.ensure(args.db or paths.default_db_path())
    work = Path(tempfile.mkdtemp(prefix="sa-browser-"))
    snap = work / "sozialatlas.duckdb"
    shutil.copy(src, snap)
    py = sys.executable
    folium_py = args.folium_venv / "bin" / "python"
    servers = {}
    # variant → (server, page of SCENARIOS, map selector, URL suffix)
    variants = {
        "projekt SVG": ("projekt", "projekt", MAP_SELECTOR["svg"], ""),
        "projekt deck.gl": ("projekt", "projekt", MAP_SELECTOR["projekt"], "&kartenart=interaktiv"),
        "Streamlit-Boden": ("boden", "boden", MAP_SELECTOR["svg"], ""),
    }
    try:
        servers["projekt"] = Server(py, "app.py", snap, log_dir=work)
        servers["boden"] = Server(py, "benchmarks/boden_app.py", snap, log_dir=work)
        if args.mit_st_table:
            servers["st.table"] = Server(py, "app.py", snap, {"SOZIALATLAS_BENCH_TABELLE": "st.table"}, work)
            variants["projekt deck.gl + st.table"] = (
                "st.table",
                "projekt",
                MAP_SELECTOR["projekt"],
                "&kartenart=interaktiv",
            )
        if args.mit_img:
            variants["Boden <img>"] = ("boden", "boden", MAP_SELECTOR["img"], "?als=img")
            servers["img"] = Server(py, "app.py", snap, {"SOZIALATLAS_BENCH_KARTE": "img"}, work)
            variants["projekt SVG <img>"] = ("img", "projekt", MAP_SELECTOR["img"], "")
        if args.ohne_deckgl:
            del variants["projekt deck.gl"]
        if folium_py.exists():
            servers["folium"] = Server(str(folium_py), "benchmarks/folium_app.py", snap, log_dir=work)
            variants["folium"] = ("folium", "folium", MAP_SELECTOR["folium"], "")
        else:
            print(
                f"Hinweis: {folium_py} fehlt — der Vergleich mit folium entfällt. Anlegen (nur für den Benchmark, "
                "nie in requirements): siehe benchmarks/folium_app.py.\n"
            )
        scen = {k: v for k, v in SCENARIOS.items() if not args.nur or (args.nur == "kreis") == ("Kreis" in k[:5])}
        # a variant runs only in the scenarios it has a page for (the floor: Kleinräumig)
        results = {(s, v): [] for s, urls in scen.items() for v in variants if variants[v][1] in urls}

        def run(v, urls):
            srv, key, selector, suffix = variants[v]
            return measure_variant(browser, servers[srv].url, urls[key] + suffix, selector)

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # one unmeasured visit each: server caches (Geheimhaltung, shapes) warm, as for a visitor of a
            # running replica
            for s, urls in scen.items():
                for v in variants:
                    if (s, v) in results:
                        run(v, urls)
            for r in range(args.runden):
                for s, urls in scen.items():
                    order = list(variants) if r % 2 == 0 else list(reversed(variants))
                    for v in order:
                        if (s, v) in results:
                            results[(s, v)].append(run(v, urls))
            first_visit = None
            if args.nginx:
                first_visit = {}
                for s, urls in scen.items():
                    first_visit[s] = measure_variant(
                        browser, args.nginx.rstrip("/"), urls["projekt"], MAP_SELECTOR["svg"]
                    )
            browser.close()
        rss = {v: srv.rss_mb() for v, srv in servers.items()}
    finally:
        for srv in servers.values():
            srv.stop()
        shutil.rmtree(work, ignore_errors=True)

    print(f"Zeit bis zur gemalten Karte (Median aus {args.runden} Runden, Sekunden; Chromium ohne GPU)")
    print(
        f"   {'Szenario':<40} {'Variante':<28} {'kalt':>6} {'warm':>6} {'Hauptthread kalt':>17} "
        f"{'MB kalt':>8} {'kalt/folium':>12} {'warm/folium':>12} {'kalt/deck.gl':>13} {'kalt/Boden':>11} "
        f"{'warm/Boden':>11}"
    )
    for s in scen:
        med = {}
        shown = [v for v in variants if (s, v) in results]
        for v in shown:
            runs = results[(s, v)]
            med[v] = {k: statistics.median(x[k]["s"] for x in runs) for k in ("kalt", "warm")} | {
                "main": statistics.median(x["kalt"]["main"] for x in runs),
                "mb": statistics.median(x["kalt"]["bytes"] for x in runs) / 1e6,
            }
        for v in shown:
            f = med.get("folium")
            base = med.get("projekt deck.gl")
            b = med.get("Streamlit-Boden")
            print(
                f"   {s:<40} {v:<28} {_fmt(med[v]['kalt']):>6} {_fmt(med[v]['warm']):>6} {_fmt(med[v]['main']):>17} "
                f"{_fmt(med[v]['mb']):>8} {(_ratio(med[v]['kalt'], f['kalt']) if f else '–'):>12} "
                f"{(_ratio(med[v]['warm'], f['warm']) if f else '–'):>12} {(_ratio(med[v]['kalt'], base['kalt']) if base else '–'):>13} "
                f"{(_ratio(med[v]['kalt'], b['kalt']) if b else '–'):>11} "
                f"{(_ratio(med[v]['warm'], b['warm']) if b else '–'):>11}"
            )
    if "folium" in servers:
        worst = max(
            max(
                statistics.median(x[k]["s"] for x in results[(s, "projekt SVG")])
                / statistics.median(x[k]["s"] for x in results[(s, "folium")])
                for k in ("kalt", "warm")
            )
            for s in scen
        )
        print(
            f"   Ziel ≤ 0,70 × folium: {'erreicht' if worst <= 0.7 else 'nicht erreicht'} (ungünstigstes Verhältnis {_ratio(worst, 1)})"
        )
    print("   Server-RSS nach dem Lauf (MB): " + ", ".join(f"{v} {rss[v]:.0f}" for v in servers))
    if first_visit:
        print("\nErster Besuch über nginx (gzip/brotli), Bytes über die Leitung (MB) und Zeit bis zur Karte (s)")
        for s, m in first_visit.items():
            print(f"   {s:<40} {_fmt(m['kalt']['bytes'] / 1e6):>6} MB  {_fmt(m['kalt']['s'])} s (Ziel ≤ 2,5 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
