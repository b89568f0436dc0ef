"""Web origins in settings: the web app's (a hub agent lets its pages read /status) and hub agents' (the web app's
pages may fetch from them)."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A web origin as a browser sends it in `Origin` and as a Content Security Policy source names it: scheme, host
#: and optional port; no path, no trailing slash.
WEB_ORIGIN = re.compile(r"https?://(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?")


def web_origins(values: Iterable[object], example: str) -> list[str]:
    """`values` as origins in lower case without a trailing slash; a ValueError names the first that is not one."""
    origins = [str(value).strip().lower().removesuffix("/") for value in values]
    for origin in origins:
        if WEB_ORIGIN.fullmatch(origin) is None:
            raise ValueError(f"{origin!r} is not a web origin: give scheme, host and port, e.g. \"{example}\" "
                             "(no path)")
    return origins
