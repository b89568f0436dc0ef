"""Plain helpers the Python tests share; the fixtures built on them are in conftest.py.

Polling until a condition holds is `glocal_chain.events.stream.wait_for` (the demo uses it too)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from typing import Any

from glocal_chain.api.service import ApiService
from glocal_chain.api.settings import ApiSettings
from glocal_chain.chain.anvil import advance_clock, free_port
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy
from glocal_chain.chain.transactions import Sender
from glocal_chain.deploy.config import ConsortiumConfig, ConsortiumMember, DeployConfig
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.printers.server import OctoPrintServer
from glocal_chain.sdk import GlocalSuite


def dev_suite(w3: Any, deployment: Any, index: int) -> GlocalSuite:
    """The suite as anvil's development account `index` sees it (free gas, as on the consortium chain)."""
    return GlocalSuite(w3, deployment, Sender(w3, dev_account(index), gas_policy=GasPolicy.FREE))


@contextmanager
def octoprint_servers(base: Path, count: int) -> Iterator[list[OctoPrintServer]]:
    """`count` real OctoPrint servers, each with its bundled virtual printer, in folders a, b, ... under `base`;
    started in order, stopped in reverse order on exit."""
    with ExitStack() as stack:
        yield [stack.enter_context(OctoPrintServer(base / chr(ord("a") + i))) for i in range(count)]


#: The governed deployments' timings in the consortium tests: votes open 1 s after a proposal, last 60 s, and a
#: passed proposal runs 30 s after it is queued.
VOTING_DELAY_S, VOTING_PERIOD_S, TIMELOCK_DELAY_S = 1, 60, 30


#: Moves anvil's clock (the governor's: the latest block's timestamp) `seconds` on, in a new block.
advance = advance_clock


def deploy_governed(w3: Any, deployer: Any, network_name: str, directory: Path,
                    cities: dict[int, tuple[str, list[str]]]) -> Any:
    """The suite under a consortium of `cities` (dev account index: name, hub areas), 51 % (2 of 3), the timings
    above; one block later, so that the members' votes count."""
    members = [ConsortiumMember(name=name, account=dev_account(index).address, areas=areas)
               for index, (name, areas) in cities.items()]
    config = DeployConfig(oracles=[dev_account(1).address], arbiters=[dev_account(2).address],
                          community_fund=dev_account(3).address, payment_tokens=["native", "test-token"],
                          consortium=ConsortiumConfig(members=members, quorum_percent=51, voting_delay_s=VOTING_DELAY_S,
                                                      voting_period_s=VOTING_PERIOD_S,
                                                      timelock_delay_s=TIMELOCK_DELAY_S))
    result = deploy_suite(w3, deployer, network_name, config, directory=directory, allow_test_token=True)
    advance(w3, 1)
    return result


def serve_api(tmp: Path, network: Any, w3: Any, deployment: Any) -> ApiService:
    """The public API over `deployment` (a SQLite read model and a design store in `tmp`, a free port)."""
    settings = ApiSettings(port=free_port(), database_url=str(tmp / "api.sqlite"), designs_dir=tmp / "designs",
                           poll_interval_s=0.1)
    return ApiService(settings, network=network, suite=GlocalSuite(w3, deployment))
