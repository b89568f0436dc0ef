"""The indexer as its own service: one `glocal indexer run` process and two stateless API processes
(`indexer = false` in api.toml, GLOCAL_API_INDEXER=off) on one real PostgreSQL, a real anvil, real uvicorn
servers on free ports. Both APIs serve the same answers once indexed, and only the indexer writes: it alone
holds the writer lock, and the read model stands still while it is stopped. Two indexers on one database:
one writes, the other stands by and takes over when the writer goes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from support import dev_suite

from glocal_chain.chain.anvil import free_port
from glocal_chain.database import open_database
from glocal_chain.events.stream import wait_for
from glocal_chain.indexer.indexer import MarketIndexer, reputation_scoring
from glocal_chain.indexer.schema import STREAM_NAME
from glocal_chain.indexer.writer_lock import WRITER_LOCK_KEY
from glocal_chain.sdk import GlocalSuite
from glocal_chain.sdk.suite import sha256_file

CUBE = Path("examples/calibration-cube.gcode")
PRICE = 1_000_000
OPERATOR, ORACLE, DESIGNER, HUB_OPERATOR, BUYER = 0, 1, 4, 5, 8
START_S = 90  # a process imports web3 and connects before it listens


@pytest.fixture(scope="module")
def market(w3, deployed) -> dict[str, Any]:
    def suite(index: int) -> GlocalSuite:
        return dev_suite(w3, deployed.deployment, index)

    operator, designer, hubs, buyer = suite(OPERATOR), suite(DESIGNER), suite(HUB_OPERATOR), suite(BUYER)
    token = buyer.token("gUSD")
    cube = designer.register_product(sha256_file(CUBE), "ipfs://cube", 1_000).product_id
    ids = {}
    for name, geohash, price in (("near", "u4pruydq", 12), ("ring", "u4pruy", 9)):
        ids[name] = hubs.register_hub(geohash, 1, f"https://{name}.example").hub_id
        operator.approve_hub(ids[name])
        hubs.publish_offer(cube, ids[name], token, price * PRICE, 24)
    buyer.mint_test_tokens(buyer.me, 1_000 * PRICE)
    buyer.approve_escrow(token, 1_000 * PRICE)
    return {"oracle": suite(ORACLE), "hubs": hubs, "buyer": buyer, "cube": cube, "ids": ids}


def _url(server: Any, application: str) -> str:
    """The database's URL, naming the connecting process (pg_stat_activity.application_name)."""
    uri = server.get_uri()
    return f"{uri}{'&' if '?' in uri else '?'}application_name={application}"


@pytest.fixture(scope="module")
def env(node, deployed, tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("replicas")
    networks = home / "networks.toml"
    networks.write_text(f'[networks.test]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\n'
                        'gas_policy = "free"\n')
    return {**os.environ, "GLOCAL_HOME": str(home), "GLOCAL_NETWORKS_FILE": str(networks),
            "GLOCAL_DEPLOYMENTS_DIR": str(deployed.path.parent)}


class Processes:
    """Service processes started by a test, their output in log files, all stopped on exit."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env, self.running = folder, env, []

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(command, env={**self.env, **env}, stdout=log, stderr=log)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in self.folder.glob("*.log"))

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in self.running:
            if process.poll() is None:
                self.stop(process)


def _indexer(processes: Processes, config: Path, url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "glocal_chain.cli.main", "indexer", "run", "--config", str(config)]
    return processes.start("indexer", command, DATABASE_URL=url)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _indexed_block(url: str) -> int:
    return httpx.get(f"{url}/healthz", timeout=5).json()["indexed_block"] or -1


def _checkpoint(postgres: Any) -> int | None:
    with psycopg.connect(postgres.get_uri()) as db:
        row = db.execute("SELECT block_number FROM stream_checkpoint WHERE stream = %s", (STREAM_NAME,)).fetchone()
    return None if row is None else int(row[0])


def _lock_holders(postgres: Any) -> list[str]:
    """The application names of the connections holding the read model's writer lock."""
    with psycopg.connect(postgres.get_uri()) as db:
        rows = db.execute("SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                          "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                          "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s", (WRITER_LOCK_KEY,)).fetchall()
    return sorted(row[0] for row in rows)


def _answers(url: str, market: dict[str, Any], order_id: int) -> dict[str, Any]:
    get = lambda path, **params: httpx.get(f"{url}{path}", params=params, timeout=10).json()  # noqa: E731
    return {"products": get("/v1/products"), "product": get(f"/v1/products/{market['cube']}"),
            "near": get("/v1/hubs/near", geohash="u4pruydr", product=market["cube"]),
            "order": get(f"/v1/orders/{order_id}")}


def _orders(market: dict[str, Any]) -> tuple[int, int]:
    """One order delivered and rated at the near hub, one accepted at the ring hub."""
    buyer, hubs, ids = market["buyer"], market["hubs"], market["ids"]
    delivered = buyer.place_order(market["cube"], ids["near"], 1, 100 * PRICE).order_id
    hubs.accept(delivered)
    hubs.ship(delivered, f"TRACK-{delivered}")
    market["oracle"].confirm_delivery(delivered)
    buyer.rate(delivered, 5)
    accepted = buyer.place_order(market["cube"], ids["ring"], 1, 100 * PRICE).order_id
    hubs.accept(accepted)
    return delivered, accepted


def test_two_api_replicas_serve_what_one_indexer_wrote_if_api_indexer_off(market, postgres, env, w3, tmp_path):
    config = tmp_path / "api.toml"
    config.write_text('network = "test"\npoll_interval_s = 0.2\n')
    reader_config = tmp_path / "reader.toml"
    reader_config.write_text('network = "test"\nindexer = false\n')
    glocal = str(Path(sys.executable).with_name("glocal"))
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    with Processes(tmp_path, env) as processes:
        indexer = _indexer(processes, config, _url(postgres, "glocal-indexer"))
        processes.start("api-a", [glocal, "api", "run", "--config", str(reader_config), "--port", str(ports[0])],
                        DATABASE_URL=_url(postgres, "glocal-api-a"))
        processes.start("api-b", [glocal, "api", "run", "--network", "test", "--port", str(ports[1])],
                        DATABASE_URL=_url(postgres, "glocal-api-b"), GLOCAL_API_INDEXER="off")
        assert wait_for(lambda: all(_healthy(url) for url in urls), START_S), processes.logs()
        assert [httpx.get(f"{url}/healthz").json()["indexer"] for url in urls] == ["off", "off"]

        delivered, accepted = _orders(market)
        head = w3.eth.block_number
        assert wait_for(lambda: all(_indexed_block(url) >= head for url in urls), 30), processes.logs()
        first, second = (_answers(url, market, delivered) for url in urls)
        assert first == second
        assert [p["product_id"] for p in first["products"]] == [market["cube"]]
        assert [h["hub_id"] for h in first["near"]["hubs"]] == [market["ids"]["near"], market["ids"]["ring"]]
        assert [e["event"] for e in first["order"]["history"]] == [
            "OrderPlaced", "OrderAccepted", "OrderShipped", "DeliveryConfirmed", "OrderDelivered", "OrderRated"]
        assert httpx.get(f"{urls[1]}/v1/orders/{accepted}").json()["status"] == "accepted"
        assert _lock_holders(postgres) == ["glocal-indexer"]  # the API processes never took the writer lock

        processes.stop(indexer)  # the readers keep serving, and nothing writes the read model any more
        assert _lock_holders(postgres) == []
        stopped_at = _checkpoint(postgres)
        late = market["buyer"].place_order(market["cube"], market["ids"]["near"], 1, 100 * PRICE).order_id
        assert not wait_for(lambda: _checkpoint(postgres) != stopped_at, 3, interval_s=0.2)
        assert [httpx.get(f"{url}/v1/orders/{late}").status_code for url in urls] == [404, 404]
        assert [_indexed_block(url) for url in urls] == [stopped_at, stopped_at]

        _indexer(processes, config, _url(postgres, "glocal-indexer"))  # resumes from its checkpoint
        assert wait_for(lambda: all(httpx.get(f"{url}/v1/orders/{late}").status_code == 200 for url in urls),
                        START_S), processes.logs()
        assert _answers(urls[0], market, late) == _answers(urls[1], market, late)


def test_second_indexer_stands_by_until_writer_stops_if_same_postgresql(market, postgres, w3, deployed):
    def indexer(name: str) -> MarketIndexer:
        suite = GlocalSuite(w3, deployed.deployment)
        return MarketIndexer(w3, deployed.deployment, open_database(_url(postgres, name)), reputation_scoring(suite))

    writer, standby = indexer("glocal-writer"), indexer("glocal-standby")
    try:
        assert (writer.role, standby.role) == ("writer", "standby")
        before = _checkpoint(postgres)
        market["buyer"].place_order(market["cube"], market["ids"]["ring"], 1, 100 * PRICE)
        assert standby.poll() == 0 and _checkpoint(postgres) == before  # a standby writes nothing
        assert writer.poll() >= 1 and _checkpoint(postgres) == w3.eth.block_number
        assert _lock_holders(postgres) == ["glocal-writer"]
    finally:
        writer.db.close()  # the writer goes: its lock is released with its connection
    try:
        market["buyer"].place_order(market["cube"], market["ids"]["ring"], 1, 100 * PRICE)
        assert standby.poll() >= 1 and standby.role == "writer"
        assert _checkpoint(postgres) == w3.eth.block_number and _lock_holders(postgres) == ["glocal-standby"]
    finally:
        standby.db.close()
