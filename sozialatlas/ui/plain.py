"""The one text path for data: text from data shown by Streamlit as exactly its characters.

Streamlit renders Markdown (GitHub-flavoured, plus its own `:red[…]`, `:material/…:` and `$…$` LaTeX) in
st.markdown, st.caption, st.info/warning/error, subheaders, widget labels, tabs, expanders, metrics and in
every st.table cell, index entry and column header. An imported indicator name like
`![x](http://evil.example/t.png)` would otherwise load an image from another server in every visitor's
browser, and a Planungsraum name could become a phishing link. So every data-derived string goes through:

- `md(text)` for anything rendered as Markdown (escapes every significant character, breaks bare URLs and
  e-mail addresses so nothing autolinks, strips bidi controls, folds line breaks so no block syntax starts);
- `table(df)` for st.table (every str cell, the index and the column headers through `md`);
- `text(s)` / `frame(df)` for plain-text places (st.text, st.dataframe cells, selectbox options, tooltips):
  only the invisible bidi and control characters are removed there, since nothing is rendered.
"""

from __future__ import annotations

import re

import pandas as pd

# Bidi embeddings/overrides/isolates, marks, zero-width characters and the BOM: they let a name display
# differently from what it is („RTL override“), so they are dropped everywhere.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SPACE = re.compile(r"\s+")
# Characters that are Markdown, Streamlit-directive, LaTeX or HTML syntax wherever they stand.
_ALWAYS = r"\\`*_{}\[\]()#!|<>~$:&@"
# '.', '-' and '+' are syntax only as list markers and inside autolinks; between digits (7.010, -3,5, 31.12.2023)
# they are left alone so numbers stay readable in the raw table data.
_SPECIAL = re.compile(rf"([{_ALWAYS}])|(?<![0-9])\.|\.(?![0-9])|[-+](?![0-9])")


def text(value) -> str:
    """Data text for places that are not rendered (st.text, st.dataframe, options, tooltips): no bidi or
    control characters, whitespace runs folded."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return _SPACE.sub(" ", _CONTROL.sub(" ", _INVISIBLE.sub("", str(value)))).strip()


def md(value) -> str:
    """Escape data text for Markdown: `<b>` stays `<b>`, `[a](b)` no link, `![x](…)` no image, `$x$` no
    formula, `www.x.de` and `http://x` no autolink, `:red[x]` no colour; shown as those characters."""
    return _SPECIAL.sub(lambda m: "\\" + m.group(0), _no_autolink(text(value)))


# Streamlit's GFM autolinks bare URLs and e-mail addresses in the *parsed* text, after backslash escapes are
# resolved — escaping alone does not stop `http\://x` from becoming a link (the browser test saw it). A zero
# width space inside `://`, after `www` and after `@` breaks the pattern; the text looks unchanged.
_ZWSP = "\u200b"
_SCHEME = re.compile(r"(?i)([a-z][a-z0-9+.-]*):(?=/)")
_WWW = re.compile(r"(?i)\bwww\.")


def _no_autolink(s: str) -> str:
    s = _SCHEME.sub(lambda m: m.group(1) + _ZWSP + ":", s)
    s = _WWW.sub(lambda m: m.group(0)[:-1] + _ZWSP + ".", s)
    return s.replace("@", "@" + _ZWSP).replace("mailto:", "mailto" + _ZWSP + ":")


def _cell(v):
    return md(v) if isinstance(v, str) else v


def _texty(values) -> bool:
    return pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)


def table(df: pd.DataFrame, columns=None) -> pd.DataFrame:
    """A copy of `df` for st.table: the str cells of `columns` (default: all), every index entry and every
    column header escaped with `md`. Leave out only columns the atlas itself formats (numbers, markers)."""
    out = df.copy()
    for c in out.columns if columns is None else columns:
        if _texty(out[c]):
            out[c] = out[c].map(_cell)
    out.columns = [_cell(c) for c in out.columns]
    if _texty(out.index):
        out.index = pd.Index([_cell(i) for i in out.index], name=_cell(out.index.name))
    elif isinstance(out.index.name, str):
        out.index.name = md(out.index.name)
    return out


def frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` for plain-text places (st.dataframe, HTML tables): bidi and control characters removed
    from str cells, index entries and column headers."""

    def clean(v):
        return text(v) if isinstance(v, str) else v

    out = df.copy()
    for c in out.columns:
        if _texty(out[c]):
            out[c] = out[c].map(clean)
    out.columns = [clean(c) for c in out.columns]
    if _texty(out.index):
        out.index = pd.Index([clean(i) for i in out.index], name=clean(out.index.name))
    return out
