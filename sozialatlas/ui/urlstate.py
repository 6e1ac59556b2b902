"""Widget state in the URL, with ids as values: `?indikator=schuldnerquote&jahr=2019&kreis=16053`.

Why not `bind="query-params"`: Streamlit 1.67 writes the *formatted label* of a selectbox option into the
URL (`?indikator=Schuldnerquote`, long German texts for the class schemes) and drops a parameter whenever
the widget shows its default — so a shared link without `jahr` would silently move to a newer year once
new data arrive. Here every parameter of a view is written with a stable id, and a link restores exactly
the view it was copied from.

Use: before drawing a keyed widget call `seed(key, parse)`; after drawing it call `publish(key, text)`.
`parse` turns the URL text into the widget value and raises ValueError (or KeyError) for bad input, which
is then ignored: the widget shows its default and the next publish corrects the URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st


def seed(key: str, parse: Callable[[str], Any], param: str | None = None) -> None:
    """Take the widget value from the URL once per session (a shared link), not on every rerun.
    `param`: the URL parameter's name where it differs from the widget key.

    A widget the page stops drawing loses its session value; it is then seeded again from the URL,
    which still holds its last published value, so hiding and showing a widget keeps what the user chose.
    """
    if key in st.session_state:
        return
    raw = st.query_params.get(param or key)
    if raw is None:
        return
    try:
        st.session_state[key] = parse(raw)
    except (ValueError, KeyError, TypeError):
        pass


def publish(key: str, text: str | None) -> None:
    """Write (or, for None, remove) one URL parameter `key`; unchanged values cause no browser update."""
    if text is None or text == "":
        if key in st.query_params:
            del st.query_params[key]
        return
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def drop(keys: Iterable[str]) -> None:
    for key in keys:
        publish(key, None)


def choice(options: Iterable) -> Callable[[str], Any]:
    """A parser that accepts only one of `options`, compared as text (ints in the URL are text)."""
    by_text = {str(o): o for o in options}

    def parse(raw: str):
        return by_text[raw]

    return parse


def integer(lo: int, hi: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        v = int(raw)
        if not lo <= v <= hi:
            raise ValueError(raw)
        return v

    return parse
