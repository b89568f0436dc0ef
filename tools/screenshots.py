"""Writes the README's screenshots, docs/images/buyer.png and docs/images/hub.png, from a demo-like set-up: the
suite deployed as config/deploy/local.toml says on a fresh anvil, a product, hubs near the buyer, orders (bench/web.py's
market), the API serving the web app, and Debian's headless Chromium with a read-only wallet connected.

    .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: bench and glocal_chain are importable

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bench.web import BUYER, CHROMIUM, CHROMIUM_ARGS, HUB_OPERATOR, DemoMarket, demo_market  # noqa: E402

IMAGES = ROOT / "docs" / "images"
BUYER_GEOHASH = "u4pruydr"


def buyer_page(page: Page, market: DemoMarket) -> None:
    """The buyer's page: the catalogue, hubs near the buyer for the part, the plot, and their orders."""
    page.goto(market.api_url + "/")
    page.click("#connect-wallet")
    page.wait_for_selector("#orders .order")
    page.fill("#geohash", BUYER_GEOHASH)
    page.select_option("#product-select", str(market.product_id))
    page.click("#find-hubs")
    page.wait_for_selector("#hubs .hub")
    page.wait_for_selector("#catalogue svg.toolpath")


def hub_page(page: Page, market: DemoMarket) -> None:
    """The hub operator's page: incoming orders of their first hub, offers, earnings and reputation."""
    page.goto(market.api_url + "/hub")
    page.click("#connect-wallet")
    page.wait_for_selector("#incoming .order")


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="glocal-screenshots-") as tmp, demo_market(Path(tmp)) as market, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, account, show in (("buyer", BUYER, buyer_page), ("hub", HUB_OPERATOR, hub_page)):
                context = market.context(browser, account)
                try:
                    page = context.new_page()
                    show(page, market)
                    page.wait_for_timeout(500)  # let the last answers render
                    page.screenshot(path=str(IMAGES / f"{name}.png"), full_page=True)
                    print(f"wrote {IMAGES / f'{name}.png'}")
                finally:
                    context.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
