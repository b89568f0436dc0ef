"""Fixtures for the web app's browser tests: Debian's Chromium driven by Playwright (never `playwright install`),
one market and one public API for the whole session (tests.python.web.market), and `dapp`, which opens a page of
the web app with the test wallet (tests.python.web.wallet) of a chosen development account injected.

A page error, or a console error such as a Content Security Policy violation, fails the test that opened the page;
a test that expects some (a 409 the page turns into a message, an API that is down) allows those by pattern.
Missing Chromium or axe-core fails the tests (it does not skip them): `make setup` installs both."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from glocal_chain.chain.anvil import EphemeralNode

from .market import ROOT, WebMarket, address, open_web_market, running_api, wait_indexed
from .wallet import BINDING, PROVIDER_SCRIPT, TestWallet

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
PAGES = ("/", "/hub", "/designer", "/arbiter", "/consortium")
#: Reported to the console too, so that a violation fails the test like any console error.
CSP_REPORTER = """
document.addEventListener('securitypolicyviolation', (event) =>
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ${event.blockedURI}`));
"""
expect.set_options(timeout=20_000)


def launch_chromium(playwright: Any) -> Browser:
    """Debian's Chromium, headless, with the flags this machine (and CI) needs; fails when set-up is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (as root it installs Debian's chromium; otherwise "
                    "`sudo apt-get install -y chromium`)", pytrace=False)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make setup` (axe-core is in package.json)",
                    pytrace=False)
    return AXE.read_text()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def web_node() -> Iterator[EphemeralNode]:
    with EphemeralNode(gas_price=0) as running:
        yield running


@pytest.fixture(scope="session")
def web_market(web_node: EphemeralNode, tmp_path_factory: pytest.TempPathFactory) -> WebMarket:
    return open_web_market(web_node.url, web_node.chain_id, tmp_path_factory.mktemp("web-market"))


@pytest.fixture(scope="session")
def api_url(web_market: WebMarket, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_api(web_market, tmp_path_factory.mktemp("web-api")) as server:
        wait_indexed(server.url, web_market.w3)
        yield server.url


@dataclass
class Dapp:
    """One page of the web app in its own browser context, with its wallet and what its console said."""

    page: Page
    wallet: TestWallet | None
    base_url: str
    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no answer'}"
        return response

    def allow_console_errors(self, pattern: str) -> None:
        """Console errors matching `pattern` (a regex) do not fail the test (never a CSP violation)."""
        self.allowed.append(re.compile(pattern))

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors
                if "Content Security Policy" in e or not any(p.search(e) for p in self.allowed)]

    def connect(self) -> None:
        """Presses Connect; the page shows the wallet's account."""
        assert self.wallet is not None
        self.page.click("#connect-wallet")
        expect(self.page.locator("#account")).to_contain_text(re.compile(self.wallet.account, re.IGNORECASE))

    def wait_until(self, condition: Callable[[], Any], timeout: float = 30) -> bool:
        """Polls `condition` while the browser keeps running: the wallet's binding is answered only while this
        thread is inside a Playwright call, so a plain sleep would stall the page's pending wallet request."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(200)
        return True

    def expect_message(self, pattern: str | re.Pattern[str]) -> None:
        expect(self.page.locator("#message")).to_contain_text(
            re.compile(pattern, re.IGNORECASE) if isinstance(pattern, str) else pattern)

    def axe_violations(self, source: str) -> list[dict[str, Any]]:
        """axe-core run inside the page: its serious and critical violations."""
        self.page.evaluate(source)
        found: list[dict[str, Any]] = self.page.evaluate(
            "async () => (await axe.run(document)).violations.map((v) => ({id: v.id, impact: v.impact, "
            "help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))")
        return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture
def dapp(browser: Browser, api_url: str, web_market: WebMarket) -> Iterator[Callable[..., Dapp]]:
    """`dapp(account_index, path="/", wallet=True, base_url=None)`: a new page at `path` with the test wallet of
    development account `account_index` (no `window.ethereum` at all with wallet=False). Each page's console is
    checked when the test ends."""
    opened: list[tuple[BrowserContext, Dapp]] = []

    def open_dapp(account_index: int, path: str | None = "/", wallet: bool = True,
                  base_url: str | None = None) -> Dapp:
        context = browser.new_context()
        test_wallet = None
        if wallet:
            network = web_market.network
            test_wallet = TestWallet(network.rpc_urls[0], address(account_index), network.chain_id)
            context.expose_binding(BINDING, test_wallet.answer)
            context.add_init_script(PROVIDER_SCRIPT)
        context.add_init_script(CSP_REPORTER)
        page = context.new_page()
        opened_dapp = Dapp(page, test_wallet, base_url or api_url)
        page.on("console", lambda message: _console(opened_dapp, message))
        page.on("pageerror", lambda error: opened_dapp.errors.append(f"page error: {error}"))
        opened.append((context, opened_dapp))
        if path is not None:
            opened_dapp.goto(path)
        return opened_dapp

    yield open_dapp
    problems = []
    for context, each in opened:
        problems += each.unexpected_errors()
        context.close()
    assert not problems, "the page's console reported errors:\n" + "\n".join(problems)


def _console(dapp: Dapp, message: ConsoleMessage) -> None:
    if message.type == "error":
        dapp.errors.append(f"console error at {message.location.get('url', '?')}: {message.text}")
