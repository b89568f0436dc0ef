"""Every page of the web app: served with its security headers, no console error, and no serious or critical
accessibility violation (axe-core, run inside the page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PAGES
from .market import DESIGNER, HUB_OPERATOR

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip() for d in policy.split(";") if d.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_security_headers_and_no_console_error_if_opened(dapp, path):
    page = dapp(HUB_OPERATOR, path=None)
    response = page.goto(path)
    headers = response.headers
    assert _directives(headers["content-security-policy"]) == _directives(CSP)
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert headers["content-type"].startswith("text/html")
    expect(page.page.locator("h1")).to_have_count(1)
    expect(page.page.locator("#message[role=status][aria-live=polite]")).to_have_count(1)
    for target in PAGES:  # the header's nav links to every page
        expect(page.page.locator(f"header nav a[href='{target}']")).to_have_count(1)
    assert page.page.locator("html").get_attribute("lang")
    assert page.page.locator("[style]").count() == 0  # style-src 'self' blocks inline styles
    assert page.page.locator("script:not([src])").count() == 0  # no inline script
    expect(page.page.locator("#network-status")).not_to_be_empty()  # its scripts ran and read /v1/network


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violation_if_page_opened(dapp, axe_source, path):
    page = dapp(DESIGNER, path=path)
    expect(page.page.locator("#network-status")).not_to_be_empty()
    assert page.axe_violations(axe_source) == []
    page.connect()  # and once a wallet is connected, with the page's data shown
    page.page.wait_for_timeout(1_000)
    assert page.axe_violations(axe_source) == []


def test_assets_carry_security_headers_if_fetched(dapp):
    page = dapp(HUB_OPERATOR, path="/")
    scripts = page.page.eval_on_selector_all("script[src]", "(all) => all.map((s) => s.src)")
    assert scripts, "the buyer's page loads no script"
    for url in scripts:
        response = page.page.request.get(url)
        assert response.ok and "javascript" in response.headers["content-type"], url
        assert _directives(response.headers["content-security-policy"]) == _directives(CSP), url
        assert response.headers["x-content-type-options"] == "nosniff", url


@pytest.mark.parametrize("path", PAGES)
def test_page_preloads_exactly_the_modules_it_loads_if_opened(dapp, path):
    """The layout's modulepreload links (computed from the import statements) name every module the page really
    loads, and nothing it does not: the module graph is fetched at once, not one import level at a time."""
    page = dapp(HUB_OPERATOR, path=None)
    loaded: set[str] = set()
    page.page.on("request", lambda request: loaded.add(request.url.rsplit("/assets/js/", 1)[-1])
                 if "/assets/js/" in request.url else None)
    page.goto(path)
    expect(page.page.locator("#network-status")).not_to_be_empty()
    preloaded = page.page.eval_on_selector_all("link[rel=modulepreload]", "(all) => all.map((l) => l.href)")
    entry = page.page.eval_on_selector("script[type=module]", "(s) => s.src").rsplit("/", 1)[-1]
    assert {url.rsplit("/", 1)[-1] for url in preloaded} | {entry} == loaded
