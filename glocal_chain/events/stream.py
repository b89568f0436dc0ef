"""EventStream: follows the suite's events from a start block, in the shape of web3.py's EventScanner.

- confirmations: only blocks `confirmations` deep are handled;
- backfill: batched `eth_getLogs` whose block range halves on provider limits or errors and doubles
  again after successes;
- reorganisations: the hash of the last handled block is compared with the chain before every poll; on a
  mismatch the stream walks back through the hashes it kept to the fork and rewinds there;
- exactly once: each batch's events, the handler's own writes and the new checkpoint are committed in
  one SQLite transaction, and events already handled (by key) are never handed over again, across
  restarts and failures. Handlers must therefore only write to the database they are given (an outbox);
  side effects happen elsewhere, from that outbox. A reorganisation un-handles the events of the blocks
  it replaced: an event included again on the new branch is handed over once more (handlers are
  idempotent per domain key), one that vanished is reported through `on_reorg`. `on_rewind(fork, db)`
  runs inside the rewind's own transaction, so what a service marks there (e.g. "re-check what we did
  above this block") is committed with the rewind or not at all, even if the process dies right after.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any

import requests
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.types import RPCEndpoint

from glocal_chain.chain.artifacts import suite_abis
from glocal_chain.database import Connection
from glocal_chain.deploy.deployments import Deployment
from glocal_chain.errors import ChainError
from glocal_chain.events.decode import LogDecoder
from glocal_chain.events.loop import run_until_stopped
from glocal_chain.events.store import StreamStore

log = logging.getLogger(__name__)

RANGE_ERRORS = (Web3RPCError, requests.RequestException, ValueError, TimeoutError)
# What a polling service rides out with backoff: the RPC down or answering errors.
RECOVERABLE_ERRORS = (ChainError, requests.RequestException, ConnectionError)


@dataclass(frozen=True)
class ChainEvent:
    name: str
    args: dict[str, Any]
    address: str
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    key: str


Handler = Callable[[list[ChainEvent], Connection], None]


@dataclass
class StreamStats:
    handled: int = 0
    skipped_duplicates: int = 0
    batches: int = 0
    range_errors: int = 0
    reorgs: int = 0
    last_block: int = -1
    head: int = -1
    batch_sizes: list[int] = field(default_factory=list)

    @property
    def lag_blocks(self) -> int:
        return max(0, self.head - self.last_block)


class EventStream:
    def __init__(
        self,
        w3: Web3,
        name: str,
        addresses: Sequence[str],
        decoder: LogDecoder,
        db: Connection,
        handler: Handler,
        start_block: int = 0,
        confirmations: int = 0,
        initial_batch: int = 2_000,
        max_batch: int = 100_000,
        reorg_window: int = 128,
        on_reorg: Callable[[int], None] | None = None,
        on_rewind: Callable[[int, Connection], None] | None = None,
    ) -> None:
        self.w3 = w3
        self.name = name
        self.addresses = [Web3.to_checksum_address(a) for a in addresses]
        self.decoder = decoder
        self.db = db
        self.store = StreamStore(db, name)
        self.handler = handler
        self.start_block = start_block
        self.confirmations = confirmations
        self.batch = initial_batch
        self.max_batch = max_batch
        self.reorg_window = reorg_window
        self.on_reorg = on_reorg
        self.on_rewind = on_rewind
        self.stats = StreamStats()
        self._addresses: dict[str, str] = {}

    @classmethod
    def for_deployment(cls, w3: Web3, deployment: Deployment, name: str, db: Connection, handler: Handler,
                       contracts: Sequence[str] = ("OrderEscrow",), **options: Any) -> EventStream:
        """A stream over some of a deployment's contracts (by name), from its deploy block, decoding
        every suite event."""
        return cls(w3, name, [deployment.address(contract) for contract in contracts], LogDecoder(suite_abis()), db,
                   handler, start_block=deployment.deploy_block, **options)

    # ------------------------------------------------------------------ polling
    def poll(self) -> int:
        """Handles every confirmed block not handled yet; returns how many events were handed over."""
        self._rewind_if_reorganised()
        handed = 0
        while True:
            head = self.w3.eth.block_number
            self.stats.head = head
            safe = head - self.confirmations
            checkpoint = self.store.checkpoint()
            first = checkpoint[0] + 1 if checkpoint else self.start_block
            if first > safe:
                return handed
            last = min(first + self.batch - 1, safe)
            try:
                raw_logs = self._get_logs(first, last)
            except RANGE_ERRORS as exc:
                self._shrink(first, last, exc)
                continue
            handed += self._commit(raw_logs, first, last, head)
            self.stats.batch_sizes.append(last - first + 1)
            self.batch = min(self.batch * 2, self.max_batch)

    def _get_logs(self, first: int, last: int) -> list[dict[str, Any]]:
        """Raw `eth_getLogs` (hex strings): web3's per-field result formatting costs more than decoding."""
        response = self.w3.provider.make_request(
            RPCEndpoint("eth_getLogs"), [{"fromBlock": hex(first), "toBlock": hex(last), "address": self.addresses}])
        if "error" in response:
            raise Web3RPCError(str(response["error"]))
        return list(response["result"])

    def _shrink(self, first: int, last: int, exc: Exception) -> None:
        self.stats.range_errors += 1
        if self.batch == 1:
            raise ChainError(f"stream {self.name}: eth_getLogs fails even for block {first}: {exc}") from exc
        self.batch = max(1, self.batch // 2)
        log.info("stream %s: eth_getLogs %d-%d failed (%s); range now %d blocks", self.name, first, last, exc,
                 self.batch)

    def _commit(self, raw_logs: list[Any], first: int, last: int, head: int) -> int:
        events = self._decode(raw_logs)
        # Blocks a reorganisation could still replace: keep their hashes to find a fork exactly.
        recent = {n: self.w3.eth.get_block(n)["hash"].to_0x_hex()
                  for n in range(max(first, head - self.reorg_window), last)}
        last_hash = self.w3.eth.get_block(last)["hash"].to_0x_hex()
        fresh = self.store.commit_range(events, first, last, self.handler, recent, last_hash, self.reorg_window)
        self.stats.batches += 1
        self.stats.handled += len(fresh)
        self.stats.skipped_duplicates += len(events) - len(fresh)
        self.stats.last_block = last
        return len(fresh)

    def _checksummed(self, address: str) -> str:
        if address not in self._addresses:
            self._addresses[address] = Web3.to_checksum_address(address)
        return self._addresses[address]

    def _decode(self, raw_logs: list[dict[str, Any]]) -> list[ChainEvent]:
        events = []
        seen: dict[tuple[str, str], int] = {}
        for entry in raw_logs:
            if entry.get("removed"):
                continue
            decoded = self.decoder.decode(entry)
            if decoded is None:
                continue
            tx_hash = entry["transactionHash"]
            # The key survives re-inclusion of the same transaction: it names the log by content, not position.
            content = blake2b(("".join(entry["topics"]) + entry["data"]).encode(), digest_size=8).hexdigest()
            occurrence = seen.get((tx_hash, content), 0)
            seen[(tx_hash, content)] = occurrence + 1
            events.append(ChainEvent(decoded[0], decoded[1], self._checksummed(entry["address"]),
                                     int(entry["blockNumber"], 16), entry["blockHash"], tx_hash,
                                     int(entry["logIndex"], 16), f"{tx_hash}:{content}:{occurrence}"))
        return events

    # ------------------------------------------------------------------ reorganisations
    def _chain_hash(self, number: int) -> str | None:
        block = self.w3.eth.get_block(number) if number <= self.w3.eth.block_number else None
        return block["hash"].to_0x_hex() if block else None

    def _rewind_if_reorganised(self) -> None:
        checkpoint = self.store.checkpoint()
        if checkpoint is None or self._chain_hash(checkpoint[0]) == checkpoint[1]:
            return
        # Deeper than the window a reorganisation is not expected: re-scan the window, skipping duplicates.
        fork = max(self.start_block - 1, checkpoint[0] - self.reorg_window)
        for number, block_hash in self.store.recent_blocks():
            if number < checkpoint[0] and self._chain_hash(number) == block_hash:
                fork = number
                break
        fork_hash = self._chain_hash(fork) if fork >= 0 else "0x"
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.store.forget_blocks_after(fork)
            self.store.forget_handled_after(fork)
            if fork >= self.start_block:
                self.store.set_checkpoint(fork, fork_hash or "0x")
            else:
                self.store.forget_checkpoint()
            if self.on_rewind is not None:
                self.on_rewind(fork, self.db)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.stats.reorgs += 1
        log.warning("stream %s: chain reorganised below block %d; rewound to block %d", self.name, checkpoint[0],
                    fork)
        if self.on_reorg is not None:
            self.on_reorg(fork)

    # ------------------------------------------------------------------ tail
    def run(self, stop: threading.Event, poll_interval_s: float = 0.5, max_backoff_s: float = 30.0,
            ws_url: str | None = None) -> None:
        """Polls until `stop` is set; an unreachable RPC backs off and resumes, losing nothing. With
        `ws_url`, a newHeads subscription wakes the poll as soon as a block arrives."""
        run_until_stopped(self.poll, stop, poll_interval_s, RECOVERABLE_ERRORS, f"stream {self.name}", ws_url,
                          max_backoff_s)


def wait_for(condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.05) -> bool:
    """Polls `condition` until true or the timeout passes (tests and tools)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval_s)
    return condition()
