"""Page state from a link, as typed objects: parse, serialise, validate — without Streamlit.

Every page that keeps its view in the address has one frozen dataclass (fields = URL parameters, typed;
`problems` = German sentences about what the link asked for and the atlas does not have). The Streamlit
side (`sozialatlas.ui.state`) reads `st.query_params` into it, resolves each choice with `resolve` against
the options the data offer, and writes the final view back with `to_query` through `sozialatlas.ui.urlstate`.

Rule for a value from a link: a valid value is taken; an unknown one never silently becomes the default —
the default is shown *and* a sentence in `problems` says what was not found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

MISSING: Any = object()  # "no value in the session" (None is a value: e.g. no Gebiet selected)

T = TypeVar("T", bound="PageState")


@dataclass(frozen=True)
class Resolved:
    """The value a widget gets (None: leave it to the widget, e.g. nothing selected) and an optional problem."""

    value: Any
    problem: str | None = None


def resolve(
    options: Sequence,
    *,
    current: Any = MISSING,
    wish: Any = None,
    default: Any = None,
    what: str = "Wert",
    label: Callable[[Any], str] | None = None,
    nullable: bool = False,
) -> Resolved:
    """One choice: the session value if still offered, else the link's wish, else the default.

    `current`: the value the widget had (MISSING on the first run / after the widget was hidden);
    `wish`: what the link asks for (typed or text; compared as text, ids in a URL are text);
    `default`: used when neither fits (if not offered: the first option, or None when `nullable`).
    A wish that is not offered gives a German problem sentence — but only when it is read for the first
    time (current is MISSING): a choice the user made that no longer fits (another Kreis) changes silently.
    """
    by_text = {str(o): o for o in options}
    if default is None or str(default) not in by_text:
        default = None if nullable or not options else options[0]
    else:
        default = by_text[str(default)]
    if current is not MISSING:
        if current is None and nullable:
            return Resolved(None)
        if current is not None and str(current) in by_text:
            return Resolved(by_text[str(current)])
        # Offered no longer: the published URL still names the old value, so take the link only if valid.
        return Resolved(by_text.get(str(wish), default) if wish is not None else default)
    if wish is None or wish == "":
        return Resolved(default)
    if str(wish) in by_text:
        return Resolved(by_text[str(wish)])
    shown = "keine Auswahl" if default is None else f"„{(label or str)(default)}“"
    return Resolved(default, f"{what} „{wish}“ aus dem Link gibt es hier nicht; gezeigt wird {shown}.")


def _as_int(raw: str) -> int:
    if not raw.strip().lstrip("-").isdigit():
        raise ValueError(raw)
    return int(raw)


@dataclass(frozen=True)
class PageState:
    """Base of the per-page state objects. Subclasses declare typed fields (str | None or int | None) and
    WHAT: parameter → German noun for problem sentences. The URL parameter is the field name."""

    problems: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    WHAT: ClassVar[dict[str, str]] = {}
    INTS: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def params(cls) -> list[str]:
        """The URL parameters of the page, in order (the docs test checks each is documented)."""
        return [f.name for f in dataclasses.fields(cls) if f.name != "problems"]

    @classmethod
    def parse(cls: type[T], query: Mapping[str, str]) -> T:
        """Typed state from URL parameters; a value of the wrong type is dropped with a problem sentence."""
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name in cls.params():
            raw = query.get(name)
            if raw is None or str(raw).strip() == "":
                continue
            raw = str(raw).strip()
            if name in cls.INTS:
                try:
                    values[name] = _as_int(raw)
                except ValueError:
                    problems.append(f"{cls.WHAT.get(name, name)} „{raw}“ aus dem Link ist keine Zahl.")
            else:
                values[name] = raw
        return cls(problems=tuple(problems), **values)

    def to_query(self) -> dict[str, str | None]:
        """Every parameter as text (None: remove it from the URL)."""
        out: dict[str, str | None] = {}
        for name in self.params():
            v = getattr(self, name)
            out[name] = None if v is None or v == "" else str(v)
        return out

    def with_problems(self: T, more: Sequence[str]) -> T:
        return dataclasses.replace(self, problems=tuple(self.problems) + tuple(p for p in more if p))
