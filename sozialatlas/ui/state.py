"""A page's URL state in Streamlit: read the typed state object, resolve each widget, publish the view.

The typed objects and the resolution rule live in `sozialatlas.views.pagestate` (pure, unit-tested); the
one URL mechanism is `sozialatlas.ui.urlstate`. Typical page::

    url = state.read(KleinraeumigState)               # typed wish from the link (+ syntax problems)
    warn = st.container()                              # problems are shown at the top, found later
    ebene = state.choose("kr_ebene", EBENEN, wish=url.ebene, default="gemeinde", what=..., problems=p)
    st.radio(..., key="kr_ebene")
    ...
    state.publish(KleinraeumigState(ebene=ebene, ...))
    state.show_problems(warn, p)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import streamlit as st

from sozialatlas.ui import urlstate
from sozialatlas.ui.plain import md
from sozialatlas.views import pagestate

S = TypeVar("S", bound=pagestate.PageState)


def read(cls: type[S]) -> S:
    """The page's state as the link gives it (typed; values of the wrong type already in `problems`)."""
    return cls.parse({k: st.query_params.get(k) for k in cls.params()})


def choose(
    key: str,
    options: Sequence,
    *,
    wish: Any = None,
    default: Any = None,
    what: str = "Wert",
    label: Callable[[Any], str] | None = None,
    nullable: bool = False,
    problems: list[str] | None = None,
) -> Any:
    """Put the resolved value of a keyed widget into session state before the widget is drawn."""
    current = st.session_state[key] if key in st.session_state else pagestate.MISSING
    r = pagestate.resolve(
        options, current=current, wish=wish, default=default, what=what, label=label, nullable=nullable
    )
    if r.value is None:
        if current is not None:
            st.session_state.pop(key, None)
    elif current is pagestate.MISSING or current != r.value:
        st.session_state[key] = r.value
    if r.problem and problems is not None:
        problems.append(r.problem)
    return r.value


def publish(view: pagestate.PageState) -> None:
    """Write the shown view into the address (parameters that are None are removed)."""
    for key, text in view.to_query().items():
        urlstate.publish(key, text)


def show_problems(where, problems: Sequence[str]) -> None:
    """What a link asked for and the atlas does not have — never silently replaced by the default."""
    if problems:
        where.warning("  \n".join(md(p) for p in dict.fromkeys(problems)), icon=":material/link_off:")
