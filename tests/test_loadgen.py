"""The load generator's load model is explicit and reproducible: arrivals spread over the ramp, seeded
exponential think times, both printed with the figures and set against the same run's baseline."""

from __future__ import annotations

import asyncio
import statistics

import pytest

from benchmarks import loadgen


@pytest.fixture
def recorded(monkeypatch):
    """Viewers that only record when they start and how long they would think (no server)."""
    seen = []

    async def fake_run(self):
        loop = asyncio.get_running_loop()
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        seen.append(
            {
                "start": loop.time(),
                "delay": self.delay,
                "thinks": [self.rng.expovariate(1 / self.think) for _ in range(200)] if self.think else [],
            }
        )

    monkeypatch.setattr(loadgen.Viewer, "run", fake_run)
    return seen


def test_arrivals_spread_evenly_over_the_ramp_and_think_times_are_seeded(recorded):
    loadgen._run(loadgen.step("http://127.0.0.1:1", 5, "kreisvergleich", "", 2, 10, bedenkzeit=5, anlauf=1.0, seed=7))
    delays = sorted(v["delay"] for v in recorded)
    assert delays == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])
    starts = sorted(v["start"] for v in recorded)
    assert starts[-1] - starts[0] == pytest.approx(0.8, abs=0.15)  # they really wait for their turn
    # exponential with the given mean (200 draws: mean within ±30 %), and every viewer thinks differently
    for v in recorded:
        assert 3.5 < statistics.mean(v["thinks"]) < 6.5
    assert len({tuple(v["thinks"][:3]) for v in recorded}) == 5
    # the same seed gives the same sequences: runs are comparable
    first = sorted(tuple(v["thinks"][:5]) for v in recorded)
    recorded.clear()
    loadgen._run(loadgen.step("http://127.0.0.1:1", 5, "kreisvergleich", "", 2, 10, bedenkzeit=5, anlauf=1.0, seed=7))
    assert sorted(tuple(v["thinks"][:5]) for v in recorded) == first


def test_zero_think_time_and_ramp_mean_all_at_once(recorded):
    loadgen._run(loadgen.step("http://127.0.0.1:1", 4, "kreisvergleich", "", 2, 10, bedenkzeit=0, anlauf=0))
    assert [v["delay"] for v in recorded] == [0, 0, 0, 0]
    assert all(v["thinks"] == [] for v in recorded)


def test_models_pair_think_time_with_ramp():
    assert loadgen._models([5, 0], [10, 0]) == [(5, 10), (0, 0)]
    assert loadgen._models([5, 2], [10]) == [(5, 10), (2, 10)]
    with pytest.raises(SystemExit, match="gleich viele Werte"):
        loadgen._models([5, 0, 1], [10, 0])


def _row(n, think, ramp, p95):
    return {
        "nutzer": n,
        "bedenkzeit": think,
        "anlauf": ramp,
        "p50": p95 / 2,
        "p95": p95,
        "erste_p50": 1.0,
        "erste_p95": 2.0,
        "laeufe": 4 * n,
        "fehler": 0,
        "fehlerarten": [],
        "rss_vorher_mb": 400.0,
        "rss_nachher_mb": 450.0,
        "sekunden": 10.0,
        "durchsatz": 3.0,
        "ws_bytes_je_nutzer": 1000,
        "replikate": {"127.0.0.1:8601": n},
    }


def test_table_names_the_model_and_sets_each_p95_against_the_baseline(capsys):
    rows = [_row(50, 5.0, 10.0, 0.9), _row(50, 0.0, 0.0, 6.0)]
    base = loadgen._pool(
        [
            {"p50": 0.2, "p95": 0.28, "erste_p50": 0.3, "durchsatz": 5.0, "fehler": 0},
            {"p50": 0.2, "p95": 0.30, "erste_p50": 0.3, "durchsatz": 5.0, "fehler": 0},
        ]
    )
    assert base["p95"] == 0.30  # the worse of before and after
    loadgen.print_table(rows, "Last", base)
    out = capsys.readouterr().out
    assert "Bedenkzeit Ø 5 s (exponentiell), Anlauf 10 s" in out
    assert "ohne Bedenkzeit, alle gleichzeitig" in out
    assert "Basis (1 Nutzer, 1 Replikat direkt, ohne Bedenkzeit): p50 0,20 s, p95 0,30 s" in out
    assert "0,90 s (3,0×)" in out and "6,00 s (20,0×)" in out  # side by side, as ratios to the baseline
