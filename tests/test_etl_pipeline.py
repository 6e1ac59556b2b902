"""The whole ETL: reproducible byte for byte, and bad raw input changes nothing."""

import hashlib
import json
import shutil
import subprocess
import sys

import pytest

from sozialatlas import paths
from sozialatlas.errors import RawInputError
from sozialatlas.etl.pipeline import run_all


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def etl_out(raw_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("etl")
    r = subprocess.run(
        [sys.executable, "-m", "sozialatlas", "etl", "--raw", str(raw_dir), "--out", str(out)],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return out


@pytest.mark.slow
def test_rerun_reproduces_every_committed_file(etl_out):
    produced = {
        **{f"data/{k}": v for k, v in _digest(etl_out / "data").items()},
        **{f"geodata/{k}": v for k, v in _digest(etl_out / "geodata").items()},
    }
    committed = {
        **{f"data/{k}": v for k, v in _digest(paths.DATA_DIR).items()},
        **{f"geodata/{k}": v for k, v in _digest(paths.GEODATA_DIR).items()},
    }
    assert set(produced) == set(committed), "the ETL and the committed files disagree on which files exist"
    differing = [k for k in produced if produced[k] != committed[k]]
    assert not differing, f"re-run differs from the committed files: {differing}"
    gemeinden = json.loads((etl_out / "geodata" / "gemeinden_2021-12-31.geojson").read_text(encoding="utf-8"))
    assert len(gemeinden["features"]) == 631


@pytest.mark.slow
def test_broken_raw_file_stops_with_its_name_and_changes_nothing(raw_dir, tmp_path):
    # A copy of the raw folder with one series file truncated to its header.
    bad_raw = tmp_path / "raw"
    shutil.copytree(raw_dir, bad_raw)
    victim = bad_raw / "rki_gisd_2025" / "GISD_Thueringen_Kreis.csv"
    victim.chmod(0o644)
    victim.write_text("kreis_id,kreis_name\n", encoding="utf-8")
    out_data, out_geo = tmp_path / "data", tmp_path / "geodata"
    out_data.mkdir()
    for name in ("lebenslagen.csv", "quellen.csv", "indikatoren.csv"):
        shutil.copy(paths.DATA_DIR / name, out_data / name)
    before = _digest(tmp_path / "data")
    with pytest.raises(RawInputError) as err:
        run_all(bad_raw, out_data, out_geo, log=lambda _t: None)
    assert "GISD_Thueringen_Kreis.csv" in str(err.value)
    assert _digest(out_data) == before, "a failed ETL must not write anything"
    assert not out_geo.exists() or not any(out_geo.iterdir())
