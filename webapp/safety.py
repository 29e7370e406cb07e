"""Where a redirect may go: a path on this site, and nothing a browser would read as another."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def local_path(target: object, default: str = "/") -> str:
    """`target` if it is a path on this site, else `default`. Browsers drop tabs and newlines
    and read a backslash as a slash, so "/\\t/evil.example" would leave the site: refused,
    encoded or not."""
    if not isinstance(target, str) or not target:
        return default
    for form in (target, unquote(target)):
        if _CONTROL.search(form) or "\\" in form or not form.startswith("/") or form.startswith("//"):
            return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
