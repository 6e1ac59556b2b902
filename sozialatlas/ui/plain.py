"""Text from data inside Markdown (st.markdown, st.caption, st.info …) shown as exactly those characters."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md(text) -> str:
    """Escape every character Markdown, HTML or LaTeX would interpret: `<b>` stays `<b>`, `[a](b)` no link."""
    return _SPECIAL.sub(r"\\\1", str(text))
