"""The static SVG map: what a planner sees (areas where they are, colours, tooltips, the selection) and the
switch to the interactive pydeck map, on Kleinräumig and Kreisvergleich."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET

import pytest
import shapely
import shapely.affinity
from shapely.geometry import Polygon, box

from sozialatlas.render import palettes, svgmap

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the string is well-formed XML (escaping)


def _area_paths(root) -> list[ET.Element]:
    return [p for p in root.find("s:g", NS).findall("s:path", NS)]


def _rings(d: str) -> list[list[tuple[float, float]]]:
    """Absolute vertices of every ring of a path written as 'Mx yl dx dy …z'."""
    rings = []
    for m in re.finditer(r"M([^lz]+)l([^z]*)z", d):
        nums = [float(n) for n in re.findall(r"-?\d*\.?\d+", m.group(1) + " " + m.group(2))]
        x, y = nums[0], nums[1]
        ring = [(x, y)]
        for dx, dy in zip(nums[2::2], nums[3::2]):
            x, y = round(x + dx, 1), round(y + dy, 1)
            ring.append((x, y))
        rings.append(ring)
    return rings


def _two_squares():
    west = box(10.0, 50.0, 11.0, 51.0)
    east_with_hole = Polygon(
        [(11.0, 50.0), (12.0, 50.0), (12.0, 51.0), (11.0, 51.0)],
        [[(11.4, 50.4), (11.6, 50.4), (11.6, 50.6), (11.4, 50.6)]],
    )
    return ["16001", "16002"], [west, east_with_hole]


def test_areas_are_drawn_where_they_are_with_their_colours_and_escaped_tooltips():
    keys, geoms = _two_squares()
    proj = svgmap.project(keys, geoms, width=400)
    out = svgmap.svg(
        proj,
        ["#fea433", palettes.GESPERRT_FARBE],
        ['Ober<b>dorf</b> & "Söhne": 12,3 %\nStand: 31.12.2021', "Unterdorf: gesperrt"],
        label="Karte: <Arbeitslose> 2021",
    )
    root = _parse(out)
    assert root.get("role") == "img" and root.get("aria-label") == "Karte: <Arbeitslose> 2021"
    assert "<b>" not in out and "&lt;b&gt;" in out  # data text never becomes markup
    paths = _area_paths(root)
    assert [p.get("fill") for p in paths] == ["#fea433", palettes.GESPERRT_FARBE]
    assert paths[0].find("s:title", NS).text == 'Ober<b>dorf</b> & "Söhne": 12,3 %\nStand: 31.12.2021'
    # west square: left half of the drawing, north at the top; east: right half with its hole as a ring
    w, h = proj.width, proj.height
    (west,) = _rings(paths[0].get("d"))
    east = _rings(paths[1].get("d"))
    assert len(east) == 2
    xs, ys = [x for x, _ in west], [y for _, y in west]
    assert min(xs) == pytest.approx(svgmap.PADDING, abs=0.1) and max(xs) == pytest.approx(w / 2, abs=0.1)
    assert min(ys) == pytest.approx(svgmap.PADDING, abs=0.1) and max(ys) == pytest.approx(h - svgmap.PADDING, abs=0.1)
    assert max(x for x, _ in east[0]) == pytest.approx(w - svgmap.PADDING, abs=0.1)
    # a degree of longitude at 50.5° N is cos(50.5°) of a degree of latitude: the squares are drawn narrow
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(0.636, abs=0.01)
    assert root.find("s:g", NS).get("fill-rule") == "evenodd"  # the hole stays open


def test_relative_coordinates_do_not_accumulate_rounding():
    # a ring with many tiny steps: every vertex must still land on its own rounded position
    ring = [(10 + i * 0.0007, 50 + (i % 7) * 0.0003) for i in range(400)] + [(10.28, 49.9), (10.0, 49.9)]
    geom = Polygon(ring)
    proj = svgmap.project(["1"], [geom], width=800)
    (drawn,) = _rings(proj.paths[0])
    minx, miny, maxx, maxy = geom.bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = (800 - 2 * svgmap.PADDING) / ((maxx - minx) * kx)
    exact = [
        (round(svgmap.PADDING + (x - minx) * kx * scale, 1), round(svgmap.PADDING + (maxy - y) * scale, 1))
        for x, y in ring
    ]
    last = drawn[-1]
    assert abs(last[0] - exact[-1][0]) <= 0.1 and abs(last[1] - exact[-1][1]) <= 0.1
    assert set(drawn) <= {(round(x, 1), round(y, 1)) for x, y in exact} | {
        (round(x + dx, 1), round(y + dy, 1)) for x, y in exact for dx in (-0.1, 0, 0.1) for dy in (-0.1, 0, 0.1)
    }


def test_selected_area_is_outlined_on_top_and_nothing_else_is():
    keys, geoms = _two_squares()
    proj = svgmap.project(keys, geoms)
    plain = _parse(svgmap.svg(proj, ["#fea433"] * 2, ["a", "b"], label="Karte"))
    assert plain.findall("s:g", NS)[1:] == []
    chosen = _parse(svgmap.svg(proj, ["#fea433"] * 2, ["a", "b"], label="Karte", selected=["16002"]))
    marks = chosen.findall("s:g", NS)[1]
    strokes = [p.get("stroke") for p in marks.findall("s:path", NS)]
    assert strokes == [svgmap.HALO, svgmap.SELECTED]
    assert {p.get("d") for p in marks.findall("s:path", NS)} == {proj.paths[1]}
    assert marks.get("pointer-events") == "none"  # the area's tooltip stays reachable


def test_missing_geometry_is_left_out_and_transparent_fill_stays_hoverable():
    keys, geoms = _two_squares()
    proj = svgmap.project(keys + ["16003"], geoms + [None])
    root = _parse(svgmap.svg(proj, ["#ffffff00", "#97c6df", "#000000"], ["a", "b", "c"], label="Karte"))
    paths = _area_paths(root)
    assert len(paths) == 2
    assert paths[0].get("fill") == "#ffffff" and float(paths[0].get("fill-opacity")) == 0
    with pytest.raises(ValueError):
        svgmap.svg(proj, ["#000000"], ["a"], label="Karte")


def test_choropleth_svg_refuses_projected_coordinates():
    import geopandas as gpd

    keys, geoms = _two_squares()
    gdf = gpd.GeoDataFrame({"schluessel": keys}, geometry=geoms, crs="EPSG:4326")
    assert len(_area_paths(_parse(svgmap.choropleth_svg(gdf, ["#fea433"] * 2, ["a", "b"], label="K")))) == 2
    with pytest.raises(ValueError, match="EPSG:4326"):
        svgmap.choropleth_svg(gdf.to_crs(25832), ["#fea433"] * 2, ["a", "b"], label="K")


# --- the pages -------------------------------------------------------------------------------------------


def _svgs(at) -> list[ET.Element]:
    """The SVG maps of a page: each in its own frame (st.html's sanitiser drops SVG), named by its label."""
    out = []
    for el in at.get("iframe"):
        doc = el.proto.srcdoc
        if "<svg" in doc and "sa-karte" in doc:  # not the ranking (render/svgbars.py)
            root = _parse(doc[doc.index("<svg") : doc.rindex("</svg>") + 6])
            assert el.proto.alt == root.get("aria-label")  # the frame's title names the map too
            out.append(root)
    return out


def test_kleinraeumig_shows_the_svg_map_with_gesperrt_grey_and_the_selection(apptest, con):
    at = apptest("app_pages/kleinraeumig.py", {"kreis": "16073", "indikator": "arbeitslosenanteil", "jahr": "2021"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("deck_gl_json_chart") == []  # no WebGL map unless asked for
    (root,) = _svgs(at)
    paths = _area_paths(root)
    assert len(paths) == 26  # the Gemeinden of Saalfeld-Rudolstadt
    titles = [p.find("s:title", NS).text for p in paths]
    gesperrt = [p for p, t in zip(paths, titles) if t.split("\n")[0].endswith(": gesperrt")]
    # gesperrt is hatched, not only grey (WCAG 1.4.1), and the legend's swatch carries the same hatching
    assert gesperrt and all(p.get("fill") == f"url(#{svgmap.PATTERN_GESPERRT})" for p in gesperrt)
    assert root.find(f"s:defs/s:pattern[@id='{svgmap.PATTERN_GESPERRT}']", NS) is not None
    legend = _legend(at)
    assert legend.loc["gesperrt (Geheimhaltung)", "Gemeinden"] == str(len(gesperrt))
    assert "repeating-linear-gradient" in _legend_swatch(at, "gesperrt (Geheimhaltung)")
    assert all("\nStand: 2021" in t for t in titles)  # Stand on every area, as in the table
    assert "Saalfeld-Rudolstadt" in root.get("aria-label") or "Arbeitslose" in root.get("aria-label")
    assert "kartenart" not in at.query_params

    ags = con.execute("SELECT schluessel FROM region WHERE ebene = 'gemeinde' AND name = 'Saalfeld/Saale'").fetchone()[
        0
    ]
    at.selectbox(key="kr_gebiet").set_value(ags).run()
    (root,) = _svgs(at)
    assert len(root.findall("s:g", NS)) == 2  # the outline of the chosen Gemeinde
    assert at.query_params["gebiet"] == ags


def _legend_html(at) -> str:
    return next(el.proto.body for el in at.get("html") if "sa-legende" in el.proto.body)


def _legend(at):
    from sozialatlas.render import htmltable

    return htmltable.read(_legend_html(at))


def _legend_swatch(at, label: str) -> str:
    """The style of the swatch in the legend row `label`."""
    body = _legend_html(at)
    row = next(r for r in body.split("<tr>") if f"</span>{label}</th>" in r)
    return re.search(r'style="([^"]*)"', row).group(1)


def test_the_toggle_switches_to_the_interactive_map_and_the_link_keeps_it(apptest):
    query = {"kreis": "16073", "indikator": "arbeitslosenanteil", "jahr": "2021"}
    at = apptest("app_pages/kleinraeumig.py", query)
    at.toggle(key="kartenart").set_value(True).run()
    assert not _svgs(at) and len(at.get("deck_gl_json_chart")) == 1
    assert at.query_params["kartenart"] == "interaktiv"
    # the WebGL map has no patterns: neither has its legend (it would promise what the map does not show)
    assert "gradient" not in _legend_swatch(at, "gesperrt (Geheimhaltung)")
    shared = apptest("app_pages/kleinraeumig.py", {**query, "kartenart": "interaktiv"})
    assert shared.toggle(key="kartenart").value is True and len(shared.get("deck_gl_json_chart")) == 1


def test_kreisvergleich_shows_the_svg_map_with_the_tooltip_lines_and_the_selected_kreis(apptest):
    at = apptest(
        "app_pages/kreisvergleich.py",
        {"indikator": "schuldnerquote", "jahr": "2021", "gebietsstand": "22", "kreis": "16067"},
    )
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("deck_gl_json_chart") == []
    (root,) = _svgs(at)
    paths = _area_paths(root)
    assert len(paths) == 22
    gotha = next(p for p in paths if p.find("s:title", NS).text.startswith("Gotha\n"))
    title = gotha.find("s:title", NS).text
    assert "2021: 9,59 %" in title and "Stand: " in title and "Quelle: " in title
    marks = root.findall("s:g", NS)[1]
    assert marks.find("s:path", NS).get("d") == gotha.get("d")
    # the interactive map shows the same colours
    at.toggle(key="kartenart").set_value(True).run()
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    fills = {f["properties"]["schluessel"]: f["properties"]["fill"][:3] for f in deck["layers"][0]["data"]["features"]}
    colour = palettes.hex_to_rgba(gotha.get("fill"))[:3]
    assert fills["16067"] == colour


def test_projection_is_cached_per_geometry_set():
    from sozialatlas.ui import svgmap as ui_svgmap

    keys, geoms = _two_squares()
    a = ui_svgmap._fingerprint(keys, geoms)
    assert a == ui_svgmap._fingerprint(list(keys), [shapely.from_wkb(shapely.to_wkb(g)) for g in geoms])
    assert a != ui_svgmap._fingerprint(keys, [geoms[0], shapely.affinity.translate(geoms[1], 0.001)])


def test_gesperrt_and_keine_daten_differ_by_pattern_not_only_by_grey():
    """WCAG 1.4.1: on a monochrome beamer or for a colour-blind reader a withheld area must not look like
    an area without data, nor either like a light class."""
    keys, geoms = _two_squares()
    keys, geoms = keys + ["16003"], geoms + [box(12.0, 50.0, 13.0, 51.0)]
    proj = svgmap.project(keys, geoms)
    fills = [palettes.GESPERRT_FARBE, palettes.KEINE_DATEN_FARBE, "#fea433"]
    root = _parse(svgmap.svg(proj, fills, ["a: gesperrt", "b: keine Daten", "c: 3 %"], label="K", patterns=True))
    got = [p.get("fill") for p in _area_paths(root)]
    assert got == [f"url(#{svgmap.PATTERN_GESPERRT})", f"url(#{svgmap.PATTERN_KEINE_DATEN})", "#fea433"]
    patterns = {p.get("id"): p for p in root.findall("s:defs/s:pattern", NS)}
    assert set(patterns) == {svgmap.PATTERN_GESPERRT, svgmap.PATTERN_KEINE_DATEN}
    # each pattern keeps its ground colour and draws something on it (hatching lines / dots)
    assert patterns[svgmap.PATTERN_GESPERRT].find("s:rect", NS).get("fill") == palettes.GESPERRT_FARBE
    assert patterns[svgmap.PATTERN_GESPERRT].find("s:path", NS) is not None
    assert patterns[svgmap.PATTERN_KEINE_DATEN].find("s:circle", NS) is not None
    # without patterns (the Kreisvergleich legend is a plain colour table) the plain fills stay
    plain = _parse(svgmap.svg(proj, fills, ["a", "b", "c"], label="K"))
    assert [p.get("fill") for p in _area_paths(plain)] == fills and plain.find("s:defs", NS) is None


def test_legend_html_has_every_row_escaped_with_the_map_patterns():
    from types import SimpleNamespace as E

    from sozialatlas.render import htmltable

    entries = [
        E(label="0,5 bis 3,2", colour="#fea433", count=120),
        E(label="keine Daten", colour=palettes.KEINE_DATEN_FARBE, count=3),
        E(label="gesperrt (Geheimhaltung)", colour=palettes.GESPERRT_FARBE, count=7),
    ]
    out = svgmap.legend_html(entries, einheit="<b>%</b>", gebiet_plural="Gemeinden", patterns=True)
    assert "<b>%</b>" not in out
    df = htmltable.read(out)
    assert list(df.index) == ["0,5 bis 3,2", "keine Daten", "gesperrt (Geheimhaltung)"]
    assert df.index.name == "Wertebereich (<b>%</b>)" and list(df["Gemeinden"]) == ["120", "3", "7"]
    swatches = re.findall(r'class="sa-farbe" style="([^"]*)"', out)
    assert swatches[0] == "background:#fea433"
    assert swatches[1] == svgmap.SWATCH_CSS[svgmap.PATTERN_KEINE_DATEN]
    assert swatches[2] == svgmap.SWATCH_CSS[svgmap.PATTERN_GESPERRT]


def test_simplified_areas_still_share_their_borders():
    # two neighbours with a wiggly common border (sub-pixel wiggles at 700 px): simplified as a coverage,
    # both keep exactly the same border — no gap, no overlap
    border = [(11.0 + 0.00003 * ((i * 7) % 5), 50.0 + i * 0.001) for i in range(1001)]
    west = Polygon([(10.0, 50.0), *border, (10.0, 51.0)])
    east = Polygon([(12.0, 50.0), (12.0, 51.0), *border[::-1]])
    geoms = svgmap.simplify_px([west, east], lambda c: c * 100.0)
    assert shapely.get_num_coordinates(geoms).sum() < shapely.get_num_coordinates([west, east]).sum() / 5
    assert shapely.intersection(geoms[0], geoms[1]).area == pytest.approx(0, abs=1e-9)
    assert shapely.union(geoms[0], geoms[1]).area == pytest.approx(200 * 100, rel=1e-3)


def test_the_map_document_is_cached_for_the_same_view(monkeypatch):
    from sozialatlas.ui import svgmap as ui_svgmap

    built = []
    real = ui_svgmap.svgmap.svg
    monkeypatch.setattr(ui_svgmap.svgmap, "svg", lambda *a, **k: built.append(1) or real(*a, **k))
    keys, geoms = _two_squares()
    ui_svgmap._document.clear()
    a = ui_svgmap.document_for(keys, geoms, ["#fea433"] * 2, ["a", "b"], label="K")
    b = ui_svgmap.document_for(keys, list(geoms), ["#fea433"] * 2, ["a", "b"], label="K")
    assert a == b and len(built) == 1  # the same view: assembled once
    c = ui_svgmap.document_for(keys, geoms, ["#fea433"] * 2, ["a", "b"], label="K", selected=["16001"])
    assert c != a and len(built) == 2  # another selection: its own entry
