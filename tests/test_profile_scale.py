"""Scale work on the Kreisprofil/Monitoring and Gemeinde-profile paths shows exactly what it showed before.

(b) areas.gebietsstand.KreisValues reads lazily now (newest years first, on first use). `_EagerKreisValues`
below is the previous implementation verbatim (everything read in __init__); every public result of both is
compared on the real Thüringen database, and so are the views built on it (Kreisprofil, Zeitreihen,
Monitoring series) with the old class swapped in.

(a) The Gemeinde profile (ui.smallarea._profile) cannot be cut down to the indicators store.queries.area_years
lists: for an indicator without a stored value for the Gemeinde the Geheimhaltung still decides, and small
Gemeinden show „gesperrt“ with its reason there (not „keine Daten“). The last test pins that, so nobody
restricts the loop that way.
"""

from __future__ import annotations

import pandas as pd

from sozialatlas.areas import gebietsstand
from sozialatlas.areas.gebietsstand import (
    LAND_COLUMNS,
    STAENDE,
    VALUE_COLUMNS,
    _check_stand,
    _no_values,
    _note,
    convert,
    other,
)
from sozialatlas.protection import kreisprivacy, privacy, smallarea
from sozialatlas.store import queries, unprotected
from sozialatlas.store import regions as stored_regions
from sozialatlas.views import kleinraeumig, monitoring, timeseries
from sozialatlas.views import profile as profile_view
from sozialatlas.views.kreisvergleich import Indicator


class _EagerKreisValues:
    """areas.gebietsstand.KreisValues before the lazy reads (verbatim): the reference."""

    def __init__(self, con, indikatoren: list[str] | None = None):
        obs = unprotected.level_observations(con, "kreis", indikatoren)
        self._obs = obs.drop(columns=["indikator", "gebietsstand", "jahr"])
        self._groups = {
            (i, int(j), g): pos for (i, j, g), pos in obs.groupby(["indikator", "jahr", "gebietsstand"]).indices.items()
        }
        self._land = unprotected.level_observations(con, "land", indikatoren)
        self.regions = {s: stored_regions.kreis_areas(con, s) for s in STAENDE}
        cat = queries.indicators(con)
        self.catalogue = {r["id"]: r for r in cat.to_dict("records")}
        years: dict[str, set[int]] = {}
        for i, j, _g in self._groups:
            years.setdefault(i, set()).add(j)
        self._years = {i: sorted(js, reverse=True) for i, js in years.items()}
        self.rules = privacy.rules()
        self._decisions: dict = {}

    def years(self, indikator):
        return list(self._years.get(indikator, []))

    def staende(self, indikator, jahr):
        return {s for s in STAENDE if (indikator, int(jahr), s) in self._groups}

    def _raw(self, indikator, jahr, stand):
        pos = self._groups.get((indikator, int(jahr), stand))
        obs = self._obs.iloc[pos] if pos is not None else self._obs.iloc[0:0]
        out = self.regions[stand].merge(obs, on="schluessel", how="left")
        return out.reindex(columns=VALUE_COLUMNS)

    def decision(self, indikator, jahr):
        key = (indikator, int(jahr))
        if key not in self._decisions:
            native = {s: self._raw(indikator, jahr, s) for s in self.staende(indikator, jahr)}
            self._decisions[key] = kreisprivacy.decide(self.catalogue.get(indikator, {}), native, self.rules)
        return self._decisions[key]

    def native(self, indikator, jahr, stand):
        return kreisprivacy.protect(self._raw(indikator, jahr, stand), stand, self.decision(indikator, jahr))

    def values_on(self, indikator, jahr, target, *, partial=False):
        _check_stand(target)
        have = self.staende(indikator, jahr)
        if target in have:
            return self.native(indikator, jahr, target), None
        if other(target) not in have:
            raise _no_values(int(jahr))
        out = convert(
            self._raw(indikator, jahr, other(target)),
            self.catalogue[indikator],
            target,
            partial=partial,
            regions=self.regions[target],
        )
        return kreisprivacy.protect(out, target, self.decision(indikator, jahr)), _note(target, out)

    def land(self, indikator, jahr=None):
        rows = self._land[self._land["indikator"] == indikator]
        if jahr is not None:
            rows = rows[rows["jahr"] == int(jahr)]
        out = [
            kreisprivacy.protect_land(r, self.decision(indikator, int(r["jahr"])))
            for r in rows.sort_values("jahr").to_dict("records")
        ]
        return pd.DataFrame(out).reindex(columns=LAND_COLUMNS)


def _text(df: pd.DataFrame) -> pd.DataFrame:
    # object text columns and columns without any value (their dtype says nothing) as str
    return df.astype({c: "str" for c in df.columns if df[c].dtype == object or df[c].isna().all()})


def _same(got, want):
    if isinstance(want, pd.DataFrame):
        # Text columns: DuckDB hands small results over as object (None), large ones as str (NaN), so the
        # dtype depends on how much one read returns, before as now (and a column with no value in a small
        # frame may come out float). Same values, same missing cells.
        pd.testing.assert_frame_equal(_text(got), _text(want))
    else:
        assert got == want


def _call(fn, *args, **kw):
    """(result, None) or (None, German reason) — NotConvertible is part of the result."""
    try:
        return fn(*args, **kw), None
    except gebietsstand.NotConvertible as exc:
        return None, str(exc)


def _compare(new, old, ids, *, oldest_first=False):
    for i in ids:
        assert new.years(i) == old.years(i), i
        yrs = sorted(new.years(i)) if oldest_first else new.years(i)
        for j in yrs:
            assert new.staende(i, j) == old.staende(i, j), (i, j)
            for stand in STAENDE:
                # partial=False (Kreisvergleich) only for the newest year: the reads are the same
                for partial in (True, False) if j == new.years(i)[0] else (True,):
                    (got, gr), (want, wr) = (_call(kv.values_on, i, j, stand, partial=partial) for kv in (new, old))
                    assert gr == wr, (i, j, stand, partial)
                    if want is not None:
                        _same(got[0], want[0])
                        assert got[1] == want[1], (i, j, stand)
                if stand not in old.staende(i, j):  # natively covered by values_on above
                    _same(new.native(i, j, stand), old.native(i, j, stand))
            _same(new.land(i, j), old.land(i, j))
        _same(new.land(i), old.land(i))


def test_lazy_kreis_values_give_every_result_the_eager_read_gave(con):
    ids = list(queries.indicators(con, "kreis")["id"])
    assert len(ids) > 50
    # newest years first, as a Kreisprofil asks: many small reads
    _compare(gebietsstand.KreisValues(con, ids), _EagerKreisValues(con, ids), ids)


def test_lazy_kreis_values_oldest_first_one_indicator_and_all(con):
    ids = list(queries.indicators(con, "kreis")["id"])
    for i in ids[:3]:  # a Zeitreihe: one indicator, oldest year first
        _compare(gebietsstand.KreisValues(con, [i]), _EagerKreisValues(con, [i]), [i], oldest_first=True)
    gem_only = set(queries.indicators(con, "gemeinde")["id"]) - set(ids)
    some = ids[-3:] + sorted(gem_only)[:2]  # without a list: every indicator; none on Kreis level → no years
    new, old = gebietsstand.KreisValues(con), _EagerKreisValues(con)
    _compare(new, old, some)
    assert new.years("gibt_es_nicht") == [] and new.land("gibt_es_nicht").empty


def test_pages_built_on_kreis_values_are_unchanged(con, monkeypatch):
    ids = list(queries.indicators(con, "kreis")["id"])
    # Jena; Wartburgkreis and Eisenach on the 23-Kreise Gebietsstand (values split/refused); Sonneberg
    profiles = [("16053", gebietsstand.AB), ("16063", gebietsstand.BIS), ("16056", gebietsstand.BIS)]
    profiles.append(("16072", gebietsstand.AB))
    kreise = [k for k, _s in profiles]

    def build():
        out = {}
        for k, s in profiles:
            out[("profil", k, s)] = profile_view.profile(con, k, s)
        for s in STAENDE:
            for i in ids[:4]:
                out[("zeitreihe", i, s)] = timeseries.series(con, i, s)
            reihen = monitoring.Reihen.load(con, s, ids)
            for i in ids[::10]:
                out[("reihe", i, s)] = reihen.series(i, kreise[0])
        return out

    new = build()
    monkeypatch.setattr(gebietsstand, "KreisValues", _EagerKreisValues)
    old = build()
    assert new.keys() == old.keys()
    for key, want in old.items():
        got = new[key]
        if isinstance(want, tuple) and isinstance(want[0], pd.DataFrame):
            _same(got[0], want[0])
            assert got[1] == want[1], key
        else:
            _same(got, want)
    assert any(not v.empty for k, v in new.items() if k[0] == "profil")


def test_gemeinde_profile_shows_gesperrt_where_the_gemeinde_has_no_stored_value(con):
    """Why ui.smallarea._profile still asks the Geheimhaltung for every indicator of the level: a Gemeinde
    under 300 Einwohner has no stored value of these rates (area_years does not list them), yet its profile
    shows them as „gesperrt“ with the reason — dropping them would change what the profile says."""
    gemeinde, ind = "16069008", "anteil_bg_mit_kindern"
    assert ind not in set(queries.area_years(con, "gemeinde", gemeinde)["indikator"])
    jahr = kleinraeumig.newest_year(queries.periods(con, ind, "gemeinde"))
    vals = smallarea.values(con, ind, jahr, ebene="gemeinde")
    row = vals[vals["schluessel"] == gemeinde].iloc[0].to_dict()
    inds = queries.indicators(con, "gemeinde")
    meta = Indicator.from_row(inds[inds["id"] == ind].iloc[0].to_dict())
    shown = kleinraeumig.profile_rows([{"indikator": meta, "jahr": jahr, "row": row, "ebene_hinweis": None}])
    assert shown.iloc[0]["Wert"] == "gesperrt"
    assert "weniger als 300 Einwohner" in shown.iloc[0]["Hinweis"]
