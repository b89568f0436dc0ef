"""The web app's files: one HTML page per person (pages/: the shared `_layout.html` and each page's main content) and
the scripts and styles they load (assets/), served by the public API at `/` (glocal_chain.api.routes.pages). Plain
ES modules, no build step, no inline script."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "pages"
ASSETS = ROOT / "assets"
#: The pages by path: the page (its content file and its script) and its title (also its link in the navigation).
PAGES_BY_PATH = {"/": ("buyer", "Buy"), "/hub": ("hub", "Hub"), "/designer": ("designer", "Design"),
                 "/arbiter": ("arbiter", "Arbitrate"), "/consortium": ("consortium", "Consortium")}


SCRIPTS = ASSETS / "js"
#: `import ... from './x.js';` in a module: the modules it loads.
_IMPORT = re.compile(r"^import\b[^;]*?from\s+'\./([\w-]+\.js)';", re.MULTILINE)


def module_closure(script: str) -> list[str]:
    """Every module `script` (a file in assets/js) loads, directly or not, in a stable order (itself excluded)."""
    seen: list[str] = []
    todo = [script]
    while todo:
        for found in _IMPORT.findall((SCRIPTS / todo.pop()).read_text(encoding="utf-8")):
            if found not in seen and found != script:
                seen.append(found)
                todo.append(found)
    return seen


def render_page(path: str) -> str:
    """The whole HTML of the page at `path`: the layout (header, navigation with this page marked as current,
    wallet) around the page's own content, and a modulepreload of each module its script loads (fetched at once,
    not one import level after another)."""
    name, title = PAGES_BY_PATH[path]
    layout = (PAGES / "_layout.html").read_text(encoding="utf-8")
    layout = layout.replace(f'<a href="{path}">', f'<a href="{path}" aria-current="page">', 1)
    preload = "".join(f'  <link rel="modulepreload" href="/assets/js/{module}">\n'
                      for module in module_closure(f"{name}.js"))
    return Template(layout).substitute(title=title, script=name, preload=preload,
                                       main=(PAGES / f"{name}.html").read_text(encoding="utf-8"))
