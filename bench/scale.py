"""Scale figures (`make bench` -> bench/results/scale.json): the read model at city and national scale, on
SQLite and on PostgreSQL, without a day of anvil time.

A generated, valid history (bench/market_events.py, with the addresses of a real deployment on anvil) is
projected through the indexer's own projection (bench/projector.py) into both databases at once: the
deployment, 1,000 hubs, 1,000,000 orders at them, then 9,000 and 90,000 more hubs joining (the sizes
are read models of one growing network: at 10,000 and 100,000 hubs the orders are those of its first
1,000 hubs, the later ones have none yet). At each size the real API serves the read model with its
indexer off (`glocal api run`, GLOCAL_API_INDEXER=off): one process on the SQLite file, two on the
PostgreSQL database with the load spread over both. bench/load.py, in a process of its own, sends
`GET /v1/hubs/near` (buyers near the generated cities and some far from any hub, product 1) and
`GET /v1/orders/{id}` open-loop at RATE requests/s for the latencies, then near closed-loop for the
ceiling; the CPU each process used meanwhile says what limits it.

PostgreSQL: projecting through psycopg costs a round trip per statement, so by default only the first
PG_PROJECTED_EVENTS events of the orders are projected into PostgreSQL (its `index_events_per_s`); the rest
of that phase's state is copied from the SQLite read model the same projection wrote from the same events
(`events_copied`). SCALE_PG_PROJECTED_EVENTS=all projects everything. SCALE_HUBS (e.g. "1000,10000") and
SCALE_ORDERS make smaller runs.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pgserver
import psycopg

from bench.load import percentile_ms
from bench.market_events import MarketHistory, SuiteAddresses, query_geohashes
from bench.projector import Projector
from glocal_chain.api.routes.hubs import DEFAULT_RADIUS_KM
from glocal_chain.chain.anvil import EphemeralNode, free_port, stop_process
from glocal_chain.chain.connection import connect
from glocal_chain.chain.dev_accounts import dev_account
from glocal_chain.chain.networks import GasPolicy, NetworkConfig
from glocal_chain.chain.transactions import Sender
from glocal_chain.database import open_database
from glocal_chain.deploy.config import DeployConfig
from glocal_chain.deploy.deployer import deploy_suite
from glocal_chain.indexer.indexer import reputation_scoring
from glocal_chain.indexer.read_model import MarketReadModel
from glocal_chain.sdk.suite import GlocalSuite
from glocal_chain.toolchain.settings import project_root

SIZES = tuple(int(n) for n in os.environ.get("SCALE_HUBS", "1000,10000,100000").split(","))
ORDERS = int(os.environ.get("SCALE_ORDERS", "1000000"))
PG_PROJECTED_EVENTS = os.environ.get("SCALE_PG_PROJECTED_EVENTS", "600000")
RATE = 500
OPEN_S = CLOSED_S = int(os.environ.get("SCALE_LOAD_S", "10"))  # seconds of load per figure
WARM_UP_S = 3
CLIENTS_PER_API = 8
# API processes reading each database (load spread over them): one Python process tops out below RATE here.
API_PROCESSES = int(os.environ.get("SCALE_APIS", "2"))
OPEN_WORKERS = 64
QUERY_POINTS = 500
REMOTE_SHARE = 0.05  # of the query points: far from every hub (Reykjavik, Tokyo, Cape Town, ...)
CHUNK = 20_000  # events generated before both databases get them
NETWORK = "scale"
TARGET_P99_MS = 20
NEAR_LIMIT = 20  # the API's default


def run() -> dict[str, Any]:
    started = time.perf_counter()
    with EphemeralNode(gas_price=0) as node, tempfile.TemporaryDirectory(prefix="glocal-scale-") as tmp_dir:
        tmp = Path(tmp_dir)
        server = pgserver.get_server(tmp / "pg", cleanup_mode="stop")
        try:
            result = _run(node, tmp, server)
        finally:
            server.cleanup()
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    return result


def _run(node: EphemeralNode, tmp: Path, server: Any) -> dict[str, Any]:
    w3 = connect(NetworkConfig(name=NETWORK, rpc_urls=[node.url], chain_id=node.chain_id, gas_policy=GasPolicy.FREE))
    deployment = deploy_suite(w3, Sender(w3, dev_account(0), gas_policy=GasPolicy.FREE), NETWORK,
                              DeployConfig(payment_tokens=["test-token"]), directory=tmp / "deployments",
                              allow_test_token=True).deployment
    (tmp / "networks.toml").write_text(f'[networks.{NETWORK}]\nrpc_urls = ["{node.url}"]\nchain_id = {node.chain_id}\n'
                                       'gas_policy = "free"\n')
    scoring = reputation_scoring(GlocalSuite(w3, deployment))
    suite = SuiteAddresses(deployment.address("HubRegistry"), deployment.address("ProductRegistry"),
                           deployment.address("OrderEscrow"), deployment.payment_tokens["gUSD"], deployment.deployer)
    history = MarketHistory(suite, first_block=w3.eth.block_number + 1)
    urls = {"sqlite": str(tmp / "scale.sqlite"), "postgresql": server.get_uri()}
    builds = {name: Projector(open_database(url), scoring) for name, url in urls.items()}
    copied = {name: 0 for name in urls}
    generation = [0.0]
    _feed(history.opening(), builds.values(), generation)
    _feed(history.hubs(SIZES[0]), builds.values(), generation)
    _say(f"{SIZES[0]:,} hubs projected; {ORDERS:,} orders next")
    orders = history.orders(ORDERS)
    copy_s = 0.0
    if PG_PROJECTED_EVENTS != "all":
        _feed(itertools.islice(orders, int(PG_PROJECTED_EVENTS)), builds.values(), generation)
        _feed(orders, [builds["sqlite"]], generation)
        started = time.perf_counter()
        copied["postgresql"] = builds["sqlite"].events - builds["postgresql"].events
        builds["postgresql"] = _copy_read_model(urls["sqlite"], urls["postgresql"], builds["postgresql"], scoring)
        copy_s = time.perf_counter() - started
    else:
        _feed(orders, builds.values(), generation)
    _say(f"orders projected ({ {name: round(b.seconds) for name, b in builds.items()} } s, copy {copy_s:.0f} s)")
    queries = query_geohashes(random.Random(16), QUERY_POINTS, REMOTE_SHARE)
    sizes: dict[str, dict[str, Any]] = {name: {} for name in urls}
    hubs = SIZES[0]
    for size in SIZES:
        _feed(history.hubs(size - hubs), builds.values(), generation)
        hubs = size
        for name, build in builds.items():
            if name == "postgresql":
                build.db.execute("ANALYZE")  # what its autovacuum does after a load
            made = history.generated
            row = {"hubs": made.hubs, "approved_hubs": made.approved, "offers": made.offers, "orders": made.orders,
                   "events": build.events + copied[name], "events_projected": build.events,
                   "events_copied": copied[name], "index_events_per_s": round(build.events / build.seconds),
                   "read_model_mb": _size_mb(build.db, urls[name])}
            row.update(_in_process(urls[name], queries, made.orders))
            with _apis(tmp, urls[name], API_PROCESSES) as apis:
                row.update(_measure(apis, queries, made.orders, server if name == "postgresql" else None))
            sizes[name][str(size)] = row
            _say(f"{name} {size:,} hubs: {row}")
    for build in builds.values():
        build.db.close()
    return {"sizes": sizes, "targets": _targets(sizes), "orders_by_status": dict(history.generated.order_status),
            "history_generation_s": round(generation[0], 1), "pg_copy_s": round(copy_s, 1), "rate_rps": RATE,
            "open_s": OPEN_S, "closed_s": CLOSED_S, "closed_clients_per_api": CLIENTS_PER_API,
            "pg_projected_order_events": PG_PROJECTED_EVENTS}


def _say(text: str) -> None:
    print(f"  scale: {text}", flush=True)


def _feed(events: Iterable[Any], builds: Iterable[Projector], generation: list[float]) -> None:
    """Generates the events in chunks; every build projects each chunk (each times its own commits)."""
    builds = list(builds)
    events = iter(events)
    while True:
        started = time.perf_counter()
        chunk = list(itertools.islice(events, CHUNK))
        generation[0] += time.perf_counter() - started
        if not chunk:
            break
        for build in builds:
            build.add(chunk)
    for build in builds:
        build.flush()


def _copy_read_model(sqlite_path: str, uri: str, build: Projector, scoring: Any) -> Projector:
    """PostgreSQL gets the SQLite read model's rows, table for table (the same projection of the same
    events); a projector continues from its checkpoint with the time and events it projected itself."""
    source = sqlite3.connect(sqlite_path)
    tables = [row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%'")]
    with psycopg.connect(uri) as target, target.transaction():
        for table in tables:
            columns = ", ".join(row[1] for row in source.execute(f"PRAGMA table_info({table})"))
            target.execute(f"TRUNCATE {table}")
            with target.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in source.execute(f"SELECT {columns} FROM {table}"):
                    copy.write_row(row)
    source.close()
    projected, seconds = build.events, build.seconds
    build.db.close()
    fresh = Projector(open_database(uri), scoring)
    fresh.events, fresh.seconds = projected, seconds
    return fresh


def _size_mb(db: Any, url: str) -> float:
    if url.startswith("postgresql://"):
        return round(int(db.execute("SELECT pg_database_size(current_database())").fetchone()[0]) / 2**20, 1)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return round(sum(p.stat().st_size for p in Path(url).parent.glob(Path(url).name + "*")) / 2**20, 1)


@contextmanager
def _apis(tmp: Path, database_url: str, count: int) -> Iterator[list[tuple[str, int]]]:
    """`count` API processes (`glocal api run`, indexer off) reading `database_url`: (url, pid) each."""
    env = {**os.environ, "GLOCAL_NETWORKS_FILE": str(tmp / "networks.toml"),
           "GLOCAL_DEPLOYMENTS_DIR": str(tmp / "deployments"), "GLOCAL_HOME": str(tmp / "home"),
           "GLOCAL_API_INDEXER": "off", "GLOCAL_API_NETWORK": NETWORK, "DATABASE_URL": database_url}
    processes = []
    try:
        for _ in range(count):
            port = free_port()
            log = (tmp / f"api-{port}.log").open("w")
            processes.append((f"http://127.0.0.1:{port}", subprocess.Popen(
                [str(Path(sys.executable).with_name("glocal")), "api", "run", "--port", str(port)],
                env={**env, "GLOCAL_API_PORT": str(port)}, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)))
            log.close()
        for url, process in processes:
            _wait_until_serving(url, process, tmp)
        yield [(url, process.pid) for url, process in processes]
    finally:
        for _, process in processes:
            process.terminate()  # all at once, then each waited for
        for _, process in processes:
            stop_process(process)


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], tmp: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API at {url} exited with {process.returncode}; its log is in {tmp}")
        try:
            httpx.get(url + "/healthz", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError(f"the API at {url} did not answer within {timeout_s:.0f} s")


def _in_process(url: str, queries: list[str], orders: int) -> dict[str, Any]:
    """The read model's own time for the same reads, in this process (no HTTP, no framework): what the
    search costs, next to what a request costs."""
    market = MarketReadModel(partial(open_database, url))
    rng = random.Random(3)
    timings: dict[str, list[float]] = {"near": [], "order": []}
    try:
        for query in queries[:50]:
            market.near(query, 1, DEFAULT_RADIUS_KM, NEAR_LIMIT)
        for query in queries:
            started = time.perf_counter()
            market.near(query, 1, DEFAULT_RADIUS_KM, NEAR_LIMIT)
            timings["near"].append(time.perf_counter() - started)
            started = time.perf_counter()
            market.order(rng.randint(1, orders))
            timings["order"].append(time.perf_counter() - started)
    finally:
        market.close()
    return {f"{kind}_read_model_{name}_ms": percentile_ms(values, q)
            for kind, values in timings.items() for name, q in (("p50", 0.5), ("p99", 0.99))}


def _measure(apis: list[tuple[str, int]], queries: list[str], orders: int, server: Any) -> dict[str, Any]:
    urls = ",".join(url for url, _ in apis)
    row: dict[str, Any] = {"api_processes": len(apis)}
    errors: Counter[str] = Counter()
    for kind in ("near", "order"):
        _load(urls, kind, queries, orders, "closed", duration=WARM_UP_S, clients=4 * len(apis))
        timed = _load(urls, kind, queries, orders, "open", count=RATE * OPEN_S)
        latencies = timed["latencies"]
        row[f"{kind}_p50_ms"] = percentile_ms(latencies, 0.5)
        row[f"{kind}_p99_ms"] = percentile_ms(latencies, 0.99)
        row[f"{kind}_achieved_rps"] = round(timed["achieved_rps"], 1)
        errors.update(timed["error_kinds"])
    groups = {"api": lambda: [pid for _, pid in apis], "postgres": lambda: _postgres_pids(server)}
    before = {name: _cpu_seconds(pids()) for name, pids in groups.items()}
    machine_before = _machine_busy_seconds()
    started = time.perf_counter()
    ceiling = _load(urls, "near", queries, orders, "closed", duration=CLOSED_S, clients=CLIENTS_PER_API * len(apis))
    wall = time.perf_counter() - started
    cores = {name: round(sum(seconds - before[name].get(pid, 0.0) for pid, seconds in _cpu_seconds(pids()).items())
                         / wall, 2) for name, pids in groups.items()}
    row["near_max_rps"] = round(ceiling["rps"], 1)
    errors.update(ceiling["error_kinds"])
    row["errors"] = sum(errors.values())
    row["error_kinds"] = dict(errors)
    row["near_max_rps_cpu_cores"] = {**cores, "load_generator": round(ceiling["cpu_s"] / ceiling["wall_s"], 2),
                                     "whole_machine": round((_machine_busy_seconds() - machine_before) / wall, 2)}
    row["near_api_cpu_ms_per_request"] = round(1000 * cores["api"] / max(ceiling["rps"], 1e-9), 2)
    return row


def _load(urls: str, kind: str, queries: list[str], orders: int, mode: str, count: int = 5_000,
          duration: float | None = None, clients: int = 8) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.load", "--url", urls, "--kind", kind, "--orders", str(orders),
               "--geohashes", ",".join(queries), "--rate", str(RATE), "--clients", str(clients),
               "--count", str(count), "--mode", mode, "--workers", str(OPEN_WORKERS)]
    if duration is not None:
        command += ["--duration", str(duration)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=project_root()).stdout
    return dict(json.loads(output))


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def _machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy (not idle, not waiting for I/O) since boot: every process, ours or not."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def _postgres_pids(server: Any) -> list[int]:
    """The postmaster and its children (the backends serving the APIs); none without a server."""
    if server is None:
        return []
    postmaster = int(server.get_pid())
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return [postmaster, *children]


def _targets(sizes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The issue's targets: near p99 <= 20 ms at the largest size and within 2x of the smallest; order
    p99 <= 20 ms; no errors."""
    met = {}
    for name, rows in sizes.items():
        smallest, largest = rows[str(SIZES[0])], rows[str(SIZES[-1])]
        met[name] = {
            "near_p99_ms_at_most_20": largest["near_p99_ms"] <= TARGET_P99_MS,
            "near_p99_within_2x_of_smallest": largest["near_p99_ms"] <= 2 * smallest["near_p99_ms"],
            "order_p99_ms_at_most_20": all(row["order_p99_ms"] <= TARGET_P99_MS for row in rows.values()),
            "no_errors": all(row["errors"] == 0 for row in rows.values())}
    return met
