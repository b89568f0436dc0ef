"""The web app's files: one HTML page per person (pages/: the shared `_layout.html` and each page's main content) and
the scripts and styles they load (assets/), served by the public API at `/` (glocal_chain.api.routes.pages). Plain
ES modules, no build step, no inline script."""

from __future__ import annotations

from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "pages"
ASSETS = ROOT / "assets"
#: The pages by path: the page (its content file and its script) and its title (also its link in the navigation).
PAGES_BY_PATH = {"/": ("buyer", "Buy"), "/hub": ("hub", "Hub"), "/designer": ("designer", "Design"),
                 "/arbiter": ("arbiter", "Arbitrate"), "/consortium": ("consortium", "Consortium")}


def render_page(path: str) -> str:
    """The whole HTML of the page at `path`: the layout (header, navigation with this page marked as current,
    wallet) around the page's own content."""
    name, title = PAGES_BY_PATH[path]
    layout = (PAGES / "_layout.html").read_text(encoding="utf-8")
    layout = layout.replace(f'<a href="{path}">', f'<a href="{path}" aria-current="page">', 1)
    return Template(layout).substitute(title=title, script=name,
                                       main=(PAGES / f"{name}.html").read_text(encoding="utf-8"))
