"""Load generator: N simulated viewers speaking Streamlit's websocket protocol, 127.0.0.1 only.

    python -m benchmarks.loadgen --url http://127.0.0.1:8601 --nutzer 1 10 25 50 --aktionen 4 --dauer 120

Each viewer does what a browser tab does, without drawing: it loads the page HTML (gets the cookies, so
nginx keeps it on one replica), opens `/_stcore/stream`, asks for the page (`--seite`, URL parameters from
`--query`) and then changes the year (`Jahr` selectbox) `--aktionen` times, each time waiting for the
server's "script finished". Measured per viewer: seconds to the first finished page, seconds per year
change; errors are exceptions shown by the page, closed connections and timeouts. RSS of the server
processes (`--pid`, or every Streamlit process listening on the given ports) is read from /proc before
and after each step.

Bounded: at most 200 viewers, each step ends after `--dauer` seconds (unfinished viewers count as
errors), and the URL must point to this machine. Prints one table; `--json` writes the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import http.cookiejar
import json
import random
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

MAX_USERS = 200
LOCAL = {"127.0.0.1", "localhost", "::1"}


def _pct(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def rss_mb(pids) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def streamlit_pids(ports) -> list[int]:
    """PIDs of `streamlit run` processes whose command line names one of the ports (scripts/replicas.sh
    and the benchmark start them with --server.port)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [c.decode(errors="replace") for c in cmd]
        if "streamlit" in " ".join(args) and any(str(p) in args for p in ports):
            out.append(int(d.name))
    return out


class Viewer:
    def __init__(self, base: str, page: str, query: str, actions: int, timeout: float):
        self.base, self.page, self.query, self.actions, self.timeout = base.rstrip("/"), page, query, actions, timeout
        self.first = None
        self.changes: list[float] = []
        self.errors: list[str] = []
        self.bytes_ws = 0
        self.replica = None

    def _http_get(self):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.base}/{self.page}", timeout=self.timeout) as r:
            r.read()
            self.replica = r.headers.get("X-Replikat")
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    async def run(self):
        import websockets
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        t0 = time.perf_counter()
        try:
            cookie = await asyncio.to_thread(self._http_get)
        except Exception as exc:  # noqa: BLE001 - every failure is a counted error
            self.errors.append(f"HTTP: {exc}")
            return
        ws_url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        headers = {"Origin": self.base}
        if cookie:
            headers["Cookie"] = cookie
        try:
            async with websockets.connect(
                ws_url,
                subprotocols=["streamlit"],
                additional_headers=headers,
                max_size=2**26,
                open_timeout=self.timeout,
            ) as ws:
                widgets = {}

                async def rerun(widget_states=None) -> bool:
                    msg = BackMsg()
                    cs = msg.rerun_script
                    cs.query_string = self.query
                    cs.page_name = self.page
                    for wid, value in (widget_states or {}).items():
                        w = cs.widget_states.widgets.add()
                        w.id = wid
                        w.string_value = value
                    await ws.send(msg.SerializeToString())
                    while True:
                        raw = await asyncio.wait_for(ws.recv(), timeout=self.timeout)
                        self.bytes_ws += len(raw)
                        fm = ForwardMsg()
                        fm.ParseFromString(raw)
                        kind = fm.WhichOneof("type")
                        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                            el = fm.delta.new_element
                            which = el.WhichOneof("type")
                            if which == "selectbox":
                                widgets[el.selectbox.label] = (el.selectbox.id, list(el.selectbox.options))
                            elif which == "exception":
                                self.errors.append(f"Ausnahme: {el.exception.message[:120]}")
                        elif kind == "script_finished":
                            if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                                continue
                            return fm.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY

                if not await rerun():
                    self.errors.append("Seite nicht fertig")
                    return
                self.first = time.perf_counter() - t0
                if "Jahr" not in widgets:
                    self.errors.append("kein Jahr-Auswahlfeld")
                    return
                wid, years = widgets["Jahr"]
                current = None
                for _ in range(self.actions):
                    choice = random.choice([y for y in years if y != current] or years)
                    t = time.perf_counter()
                    ok = await rerun({wid: choice})
                    if ok:
                        self.changes.append(time.perf_counter() - t)
                        current = choice
                    else:
                        self.errors.append("Lauf nicht fertig")
        except TimeoutError:
            self.errors.append("Zeitüberschreitung")
        except Exception as exc:  # noqa: BLE001
            self.errors.append(f"{type(exc).__name__}: {exc}")


async def step(base, n, page, query, actions, dauer):
    viewers = [Viewer(base, page, query, actions, dauer) for _ in range(n)]
    tasks = [asyncio.create_task(v.run()) for v in viewers]
    done, pending = await asyncio.wait(tasks, timeout=dauer)
    for t in pending:
        t.cancel()
    for v, t in zip(viewers, tasks):
        if t in pending:
            v.errors.append("Schrittdauer überschritten")
    return viewers


def check_local(url: str) -> None:
    host = urllib.parse.urlparse(url).hostname
    if host not in LOCAL:
        raise SystemExit(f"Der Lastgenerator läuft nur gegen diesen Rechner (127.0.0.1), nicht gegen {host}.")


def _run(coro):
    """asyncio.run, also from a thread whose event loop is busy (Playwright's sync API in the same test
    process keeps one running): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def measure(url, users, *, page="kreisvergleich", query="", actions=4, dauer=120.0, pids=()):
    check_local(url)
    results = []
    for n in users:
        if not 1 <= n <= MAX_USERS:
            raise SystemExit(f"--nutzer: 1 bis {MAX_USERS}, nicht {n}")
        before = rss_mb(pids)
        t = time.perf_counter()
        viewers = _run(step(url, n, page, query, actions, dauer))
        wall = time.perf_counter() - t
        changes = [c for v in viewers for c in v.changes]
        firsts = [v.first for v in viewers if v.first is not None]
        replicas = {}
        for v in viewers:
            if v.replica:
                replicas[v.replica] = replicas.get(v.replica, 0) + 1
        results.append(
            {
                "nutzer": n,
                "p50": _pct(changes, 0.5),
                "p95": _pct(changes, 0.95),
                "erste_p50": _pct(firsts, 0.5),
                "erste_p95": _pct(firsts, 0.95),
                "laeufe": len(changes),
                "fehler": sum(len(v.errors) for v in viewers),
                "fehlerarten": sorted({e for v in viewers for e in v.errors})[:5],
                "rss_vorher_mb": before,
                "rss_nachher_mb": rss_mb(pids),
                "sekunden": wall,
                "durchsatz": len(changes) / wall if wall else 0.0,
                "ws_bytes_je_nutzer": statistics.mean(v.bytes_ws for v in viewers) if viewers else 0,
                "replikate": replicas,
            }
        )
    return results


def print_table(results, title: str) -> None:
    print(title)
    print(
        f"   {'N':>3} {'p50 Jahr':>9} {'p95 Jahr':>9} {'p50 1. Seite':>13} {'p95 1. Seite':>13} {'Läufe':>6} "
        f"{'Fehler':>7} {'Läufe/s':>8} {'RSS MB':>14}  Replikate"
    )
    for r in results:
        rep = ", ".join(f"{k}: {v}" for k, v in sorted(r["replikate"].items())) or "–"
        print(
            f"   {r['nutzer']:>3} {r['p50']:>9.2f} {r['p95']:>9.2f} {r['erste_p50']:>13.2f} {r['erste_p95']:>13.2f} "
            f"{r['laeufe']:>6} {r['fehler']:>7} {r['durchsatz']:>8.2f} "
            f"{r['rss_vorher_mb']:>6.0f}→{r['rss_nachher_mb']:<6.0f}".replace(".", ",")
            + f"  {rep}"
        )
        if r["fehlerarten"]:
            print(f"       Fehler: {'; '.join(r['fehlerarten'])}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadgen", description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="z. B. http://127.0.0.1:8080 (nginx) oder ein Replikat")
    ap.add_argument("--nutzer", type=int, nargs="+", default=[1, 10, 25, 50])
    ap.add_argument("--seite", default="kreisvergleich", help="url_path der Seite")
    ap.add_argument("--query", default="", help="URL-Parameter, z. B. indikator=schuldnerquote")
    ap.add_argument("--aktionen", type=int, default=4, help="Jahreswechsel je Nutzer")
    ap.add_argument("--dauer", type=float, default=180.0, help="Höchstdauer je Schritt (Sekunden)")
    ap.add_argument("--pid", type=int, nargs="*", default=None, help="Serverprozesse für RSS")
    ap.add_argument("--ports", type=int, nargs="*", default=None, help="Ports der Replikate (für RSS)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    pids = args.pid if args.pid is not None else streamlit_pids(args.ports or [])
    res = measure(
        args.url, args.nutzer, page=args.seite, query=args.query, actions=args.aktionen, dauer=args.dauer, pids=pids
    )
    print_table(res, f"Last: {args.url}/{args.seite}, {args.aktionen} Jahreswechsel je Nutzer (Sekunden)")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
