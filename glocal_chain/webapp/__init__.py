"""The web app's files: one HTML page per person (pages/) and the scripts and styles they load (assets/), served by
the public API at `/` (glocal_chain.api.routes.pages). Plain ES modules, no build step, no inline script."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "pages"
ASSETS = ROOT / "assets"
