"""Load generator: N simulated viewers speaking Streamlit's websocket protocol, 127.0.0.1 only.

    python -m benchmarks.loadgen --url http://127.0.0.1:8080 --basis http://127.0.0.1:8601 \
        --nutzer 1 10 25 50 --aktionen 4 --bedenkzeit 5 0 --anlauf 10 0

Each viewer does what a browser tab does, without drawing: it loads the page HTML (gets the cookies, so
nginx keeps it on one replica), opens `/_stcore/stream`, asks for the page (`--seite`, URL parameters from
`--query`) and then changes the year (`Jahr` selectbox) `--aktionen` times, each time waiting for the
server's "script finished". Measured per viewer: seconds to the first finished page, seconds per year
change; errors are exceptions shown by the page, closed connections and timeouts. RSS of the server
processes (`--pid`, or every Streamlit process listening on the given ports) is read from /proc before
and after each step.

The load model is explicit and printed with every table (one table per model, then side by side):

- `--bedenkzeit S`: mean think time between a finished page and the viewer's next action, drawn from an
  exponential distribution (seeded, `--seed`; every viewer has its own reproducible sequence). 5 s is
  the realistic default: a planner reads a changed map, its legend and the ranking of 23 Kreise before
  the next click — several seconds, often much longer; the exponential tail gives the bursts of
  quick clicks too. The mean is deliberately on the short side of reading time, i.e. pessimistic.
- `--anlauf S`: the N viewers arrive spread evenly over S seconds (viewer i starts at i·S/N). 10 s
  models a Sozialraumkonferenz where everybody opens the shared link after it is announced: 50 people
  within ten seconds, not all in the same millisecond. Public visitors arrive far more spread out.
- 0 for both is the worst case kept for comparison: every viewer arrives at once and clicks again the
  moment a page is finished (no human does that; it measures pure capacity and queueing).

Several models run interleaved per N (`--bedenkzeit 5 0 --anlauf 10 0` = models 5 s/10 s and 0/0), so
both see the same machine load. `--basis URL` (one replica directly, no nginx) measures the reference
of the same run: one viewer, no think time, `max(10, --aktionen)` year changes, before and after the
steps; every p50/p95 is also printed as a ratio to it.

Throughput is counted as finished script runs (first pages and year changes) per second of the step.

Bounded: at most 200 viewers, each step ends `--dauer` seconds after the last viewer arrived
(unfinished viewers count as errors), and the URL must point to this machine. `--json` writes the
figures.
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
    def __init__(
        self,
        base: str,
        page: str,
        query: str,
        actions: int,
        timeout: float,
        *,
        think: float = 0.0,
        delay: float = 0.0,
        rng: random.Random | None = None,
    ):
        self.base, self.page, self.query, self.actions, self.timeout = base.rstrip("/"), page, query, actions, timeout
        self.think, self.delay = think, delay
        self.rng = rng or random.Random(0)
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

        if self.delay > 0:
            await asyncio.sleep(self.delay)
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
                    if self.think > 0:  # reading the page before the next click
                        await asyncio.sleep(self.rng.expovariate(1 / self.think))
                    choice = self.rng.choice([y for y in years if y != current] or years)
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


async def step(base, n, page, query, actions, dauer, *, bedenkzeit=0.0, anlauf=0.0, seed=13):
    """N viewers; viewer i arrives at i·anlauf/N and thinks Exp(mean bedenkzeit) seconds before each action."""
    viewers = [
        Viewer(
            base,
            page,
            query,
            actions,
            dauer,
            think=bedenkzeit,
            delay=anlauf * i / n,
            rng=random.Random(seed * 1000 + i),
        )
        for i in range(n)
    ]
    tasks = [asyncio.create_task(v.run()) for v in viewers]
    done, pending = await asyncio.wait(tasks, timeout=anlauf + dauer)
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


def _summary(viewers, n, wall, before, after, model) -> dict:
    changes = [c for v in viewers for c in v.changes]
    firsts = [v.first for v in viewers if v.first is not None]
    replicas: dict[str, int] = {}
    for v in viewers:
        if v.replica:
            replicas[v.replica] = replicas.get(v.replica, 0) + 1
    return {
        "nutzer": n,
        "bedenkzeit": model[0],
        "anlauf": model[1],
        "p50": _pct(changes, 0.5),
        "p95": _pct(changes, 0.95),
        "erste_p50": _pct(firsts, 0.5),
        "erste_p95": _pct(firsts, 0.95),
        "laeufe": len(changes),
        "fehler": sum(len(v.errors) for v in viewers),
        "fehlerarten": sorted({e for v in viewers for e in v.errors})[:5],
        "rss_vorher_mb": before,
        "rss_nachher_mb": after,
        "sekunden": wall,
        # every finished script run is server work: first pages and year changes
        "durchsatz": (len(changes) + len(firsts)) / wall if wall else 0.0,
        "ws_bytes_je_nutzer": statistics.mean(v.bytes_ws for v in viewers) if viewers else 0,
        "replikate": replicas,
    }


def measure(
    url,
    users,
    *,
    page="kreisvergleich",
    query="",
    actions=4,
    dauer=120.0,
    pids=(),
    models=((0.0, 0.0),),
    seed=13,
):
    """One result per (N, model); the models of one N run one after the other (interleaved), so they see
    the same machine load. A model is (bedenkzeit, anlauf) in seconds."""
    check_local(url)
    results = []
    for n in users:
        if not 1 <= n <= MAX_USERS:
            raise SystemExit(f"--nutzer: 1 bis {MAX_USERS}, nicht {n}")
        for model in models:
            think, ramp = model
            if think < 0 or ramp < 0:
                raise SystemExit("--bedenkzeit und --anlauf: Sekunden ≥ 0")
            before = rss_mb(pids)
            t = time.perf_counter()
            viewers = _run(step(url, n, page, query, actions, dauer, bedenkzeit=think, anlauf=ramp, seed=seed))
            wall = time.perf_counter() - t
            results.append(_summary(viewers, n, wall, before, rss_mb(pids), model))
    return results


def baseline(url, *, page="kreisvergleich", query="", actions=10, dauer=120.0, seed=13) -> dict:
    """The reference of the same run: one viewer on one replica (no proxy), no think time; after one
    unmeasured viewer, so a freshly started replica's empty caches do not count."""
    measure(url, [1], page=page, query=query, actions=1, dauer=dauer, seed=seed)
    return measure(url, [1], page=page, query=query, actions=actions, dauer=dauer, seed=seed)[0]


def _pool(bases: list[dict]) -> dict:
    """Baseline measured before and after the steps: both runs' medians and the worse p95 (honest
    reference on a machine whose load drifts)."""
    return {
        "p50": statistics.median([b["p50"] for b in bases]),
        "p95": max(b["p95"] for b in bases),
        "erste_p50": statistics.median([b["erste_p50"] for b in bases]),
        "durchsatz": statistics.median([b["durchsatz"] for b in bases]),
        "fehler": sum(b["fehler"] for b in bases),
    }


def _model_text(think: float, ramp: float) -> str:
    t = f"Bedenkzeit Ø {think:g} s (exponentiell)" if think else "ohne Bedenkzeit"
    a = f"Anlauf {ramp:g} s" if ramp else "alle gleichzeitig"
    return f"{t}, {a}".replace(".", ",")


def _rss(r: dict) -> str:
    """RSS before→after the step; "–" when no server process was given (--pid/--ports)."""
    if not r["rss_vorher_mb"] and not r["rss_nachher_mb"]:
        return "–"
    return f"{r['rss_vorher_mb']:.0f}→{r['rss_nachher_mb']:.0f}"


def _x(value: float, ref: float | None) -> str:
    if not ref or value != value:
        return "–"
    return f"{value / ref:.1f}×".replace(".", ",")


def print_table(results, title: str, base: dict | None = None) -> None:
    print(title)
    if base:
        figures = (
            f"p50 {base['p50']:.2f} s, p95 {base['p95']:.2f} s, erste Seite {base['erste_p50']:.2f} s, "
            f"{base['durchsatz']:.2f} Läufe/s"
        ).replace(".", ",")
        print(f"   Basis (1 Nutzer, 1 Replikat direkt, ohne Bedenkzeit): {figures}, Fehler {base['fehler']}")
    models = list(dict.fromkeys((r["bedenkzeit"], r["anlauf"]) for r in results))
    for think, ramp in models:
        print(f" Modell: {_model_text(think, ramp)}")
        print(
            f"   {'N':>3} {'p50 Jahr':>9} {'p95 Jahr':>9} {'p95×Basis':>9} {'p50 1. Seite':>13} {'p95 1. Seite':>13} "
            f"{'Läufe':>6} {'Fehler':>7} {'Läufe/s':>8} {'RSS MB':>14}  Replikate"
        )
        for r in results:
            if (r["bedenkzeit"], r["anlauf"]) != (think, ramp):
                continue
            rep = ", ".join(f"{k}: {v}" for k, v in sorted(r["replikate"].items())) or "–"
            print(
                f"   {r['nutzer']:>3} {r['p50']:>9.2f} {r['p95']:>9.2f} {_x(r['p95'], base and base['p95']):>9} "
                f"{r['erste_p50']:>13.2f} {r['erste_p95']:>13.2f} {r['laeufe']:>6} {r['fehler']:>7} "
                f"{r['durchsatz']:>8.2f} {_rss(r):>14}".replace(".", ",")
                + f"  {rep}"
            )
            if r["fehlerarten"]:
                print(f"       Fehler: {'; '.join(r['fehlerarten'])}")
    if len(models) > 1:
        print(" Nebeneinander: p95 Jahreswechsel in Sekunden (× Basis)")
        print("   " + f"{'N':>3} " + " ".join(f"{_model_text(*m):>46}" for m in models))
        for n in dict.fromkeys(r["nutzer"] for r in results):
            cells = []
            for m in models:
                r = next(r for r in results if r["nutzer"] == n and (r["bedenkzeit"], r["anlauf"]) == m)
                cells.append(f"{r['p95']:.2f} s ({_x(r['p95'], base and base['p95'])})".replace(".", ","))
            print("   " + f"{n:>3} " + " ".join(f"{c:>46}" for c in cells))


def _models(thinks: list[float], ramps: list[float]) -> list[tuple[float, float]]:
    if len(ramps) == 1:
        ramps = ramps * len(thinks)
    if len(thinks) == 1:
        thinks = thinks * len(ramps)
    if len(thinks) != len(ramps):
        raise SystemExit("--bedenkzeit und --anlauf: gleich viele Werte (je ein Modell) oder einer für alle")
    return list(zip(thinks, ramps))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.loadgen", description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="z. B. http://127.0.0.1:8080 (nginx) oder ein Replikat")
    ap.add_argument("--basis", default=None, help="ein Replikat direkt (ohne nginx): Referenz derselben Messung")
    ap.add_argument("--nutzer", type=int, nargs="+", default=[1, 10, 25, 50])
    ap.add_argument("--seite", default="kreisvergleich", help="url_path der Seite")
    ap.add_argument("--query", default="", help="URL-Parameter, z. B. indikator=schuldnerquote")
    ap.add_argument("--aktionen", type=int, default=4, help="Jahreswechsel je Nutzer")
    ap.add_argument(
        "--bedenkzeit", type=float, nargs="+", default=[5.0, 0.0], help="mittlere Bedenkzeit je Modell (s; 0 = keine)"
    )
    ap.add_argument("--anlauf", type=float, nargs="+", default=[10.0, 0.0], help="Ankünfte verteilt über (s) je Modell")
    ap.add_argument("--seed", type=int, default=13, help="Zufallsfolge der Bedenkzeiten und Jahre")
    ap.add_argument("--dauer", type=float, default=180.0, help="Höchstdauer je Schritt nach dem Anlauf (Sekunden)")
    ap.add_argument("--pid", type=int, nargs="*", default=None, help="Serverprozesse für RSS")
    ap.add_argument("--ports", type=int, nargs="*", default=None, help="Ports der Replikate (für RSS)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    models = _models(args.bedenkzeit, args.anlauf)
    pids = args.pid if args.pid is not None else streamlit_pids(args.ports or [])
    common = {"page": args.seite, "query": args.query, "dauer": args.dauer, "seed": args.seed}
    bases = []
    if args.basis:
        check_local(args.basis)
        bases.append(baseline(args.basis, actions=max(10, args.aktionen), **common))
    res = measure(args.url, args.nutzer, actions=args.aktionen, pids=pids, models=models, **common)
    if args.basis:
        bases.append(baseline(args.basis, actions=max(10, args.aktionen), **common))
    base = _pool(bases) if bases else None
    print_table(
        res,
        f"Last: {args.url}/{args.seite}, {args.aktionen} Jahreswechsel je Nutzer, Seed {args.seed} (Sekunden)",
        base,
    )
    if args.json:
        args.json.write_text(json.dumps({"basis": bases, "schritte": res}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
