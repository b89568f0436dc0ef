"""Contract line-and-branch coverage for the Brownie suite, from anvil's execution traces.

Brownie 1.22's own `--coverage` fails here (a TypeError from its compiled modules), so this does what
it would: every transaction (unlocked or signed locally) and every eth_call the tests make is traced
with anvil's `debug_traceTransaction` / `debug_traceCall`; the program counters executed in each of the
suite's contracts are mapped through Brownie's build artifacts (`pcMap`, `coverageMap`) to statements
and to both outcomes of every branch; what was missed is listed. Enabled by GLOCAL_COVERAGE=1 (`make
test` sets it); the report goes to reports/coverage.json and a table on the terminal.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from brownie import web3
from brownie.network.state import _find_contract

#: The suite's contracts and their sources: only their own code counts (not what they inherit).
SOURCES = {
    "HubRegistry": "contracts/HubRegistry.sol",
    "ProductRegistry": "contracts/ProductRegistry.sol",
    "OrderEscrow": "contracts/OrderEscrow.sol",
    "ConsortiumMembership": "contracts/governance/ConsortiumMembership.sol",
    "ConsortiumGovernor": "contracts/governance/ConsortiumGovernor.sol",
    # OpenZeppelin's TimelockController with a constructor only: no code of its own runs after deployment
    "ConsortiumTimelock": "contracts/governance/ConsortiumTimelock.sol",
}
CONTRACTS = tuple(SOURCES)
CALL_OPS = {"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE"}
TRACE_OPTIONS = {"disableMemory": True, "disableStorage": True, "disableStack": False}
ROOT = Path(__file__).resolve().parents[2]


class CoverageCollector:
    def __init__(self) -> None:
        self.pcs: dict[str, set[int]] = defaultdict(set)  # contract name -> executed pcs
        self.jumps: dict[str, set[tuple[int, bool]]] = defaultdict(set)  # (jumpi pc, taken)
        self.errors: list[str] = []
        self._calls_seen: tuple[str, set[tuple[Any, ...]]] = ("", set())  # (block hash, calls traced at it)
        self.trace_calls = True  # off: only transactions are traced (see `transactions_only`)

    # ---------------------------------------------------------------- collection
    def install(self) -> None:
        """Wraps the provider class's make_request, so providers Brownie creates later are traced too."""
        provider = web3.provider
        provider_class = type(provider)
        original = provider_class.make_request
        collector = self

        def make_request(this: Any, method: Any, params: Any) -> Any:
            response = original(this, method, params)
            try:
                if method in ("eth_sendTransaction", "eth_sendRawTransaction") and "result" in response:
                    collector._trace(this, original, "debug_traceTransaction", [response["result"], TRACE_OPTIONS], None)
                elif method == "eth_call" and collector.trace_calls and collector._first_at_this_block(
                        this, original, params):
                    collector._trace(this, original, "debug_traceCall",
                                     [params[0], params[1] if len(params) > 1 else "latest", TRACE_OPTIONS],
                                     params[0].get("to"))
            except Exception as exc:  # noqa: BLE001 - coverage must never change a test's outcome
                collector.errors.append(f"{method}: {type(exc).__name__}: {exc}")
            return response

        provider_class.make_request = make_request
        # web3.py caches the middleware-wrapped request function per provider: rebuild it with ours.
        if hasattr(provider, "_request_func_cache"):
            provider._request_func_cache = (None, None)

    @contextmanager
    def transactions_only(self) -> Iterator[None]:
        """Traces transactions but not calls for a while: the stateful test reads every view after every
        random step to check its invariants, reads whose code the unit tests cover, and tracing them all
        took most of `make test`'s time."""
        self.trace_calls = False
        try:
            yield
        finally:
            self.trace_calls = True

    def _first_at_this_block(self, provider: Any, request: Any, params: list[Any]) -> bool:
        """The same call on the same block runs the same code: trace it once."""
        # By hash, not number: a reverted snapshot mines other blocks under the same numbers.
        block = request(provider, "eth_getBlockByNumber", ["latest", False])["result"]["hash"]
        if block != self._calls_seen[0]:
            self._calls_seen = (block, set())
        call = params[0]
        key = (call.get("to"), call.get("from"), call.get("data") or call.get("input"), call.get("value"),
               params[1] if len(params) > 1 else "latest")
        if key in self._calls_seen[1]:
            return False
        self._calls_seen[1].add(key)
        return True

    def _trace(self, provider: Any, request: Any, method: str, params: list[Any], to: str | None) -> None:
        if method == "debug_traceTransaction":  # anvil may answer the send before the block is mined
            for _ in range(200):
                if request(provider, "eth_getTransactionReceipt", [params[0]]).get("result"):
                    break
                time.sleep(0.01)
        result = request(provider, method, params).get("result")
        if not result:
            self.errors.append(f"{method}: no trace for {params[0]}")
            return
        if to is None:
            to = request(provider, "eth_getTransactionByHash", [params[0]])["result"]["to"]
        if to is None:
            return
        self._walk(result.get("structLogs", []), to)

    def _name(self, address: str) -> str | None:
        # Not cached: chain snapshots are reverted between tests, so an address can hold another
        # contract later (and Brownie may register a fresh deployment only after its first calls).
        contract = _find_contract(web3.to_checksum_address(address))
        name = getattr(contract, "_name", None)
        return name if name in CONTRACTS else None

    def _walk(self, steps: list[dict[str, Any]], entry: str) -> None:
        stack_of_addresses = [entry]
        previous = None
        for step in steps:
            depth = step["depth"]
            while len(stack_of_addresses) > depth:
                stack_of_addresses.pop()
            if previous is not None:
                prev_step, prev_name = previous
                if prev_step["op"] == "JUMPI" and prev_step["depth"] == depth and prev_name is not None:
                    self.jumps[prev_name].add((prev_step["pc"], step["pc"] != prev_step["pc"] + 1))
            address = stack_of_addresses[-1]
            name = self._name(address) if address else None
            if name is not None:
                self.pcs[name].add(step["pc"])
            if step["op"] in CALL_OPS and step.get("stack"):
                callee = "0x" + step["stack"][-2][2:].rjust(40, "0")[-40:]
                if step["op"] in ("DELEGATECALL", "CALLCODE"):
                    callee = address
                stack_of_addresses.append(callee)
            elif step["op"] in ("CREATE", "CREATE2"):
                stack_of_addresses.append("")
            previous = (step, name)

    # ---------------------------------------------------------------- report
    def report(self) -> dict[str, Any]:
        build = ROOT / "build" / "contracts"
        summary: dict[str, Any] = {}
        for name in CONTRACTS:
            artifact = json.loads((build / f"{name}.json").read_text())
            own_path = next(k for k, v in artifact["allSourcePaths"].items() if v == SOURCES[name])
            pc_map = {int(pc): info for pc, info in artifact["pcMap"].items()}
            statements = artifact["coverageMap"]["statements"].get(own_path, {})
            branches = artifact["coverageMap"]["branches"].get(own_path, {})
            hit_statements = {pc_map[pc]["statement"] for pc in self.pcs[name]
                              if pc in pc_map and "statement" in pc_map[pc] and pc_map[pc]["path"] == own_path}
            jumpi_branch = {pc: info["branch"] for pc, info in pc_map.items()
                            if info.get("op") == "JUMPI" and "branch" in info and info["path"] == own_path}
            outcomes = {(jumpi_branch[pc], taken) for pc, taken in self.jumps[name] if pc in jumpi_branch}
            total_statements = {int(sid) for fn in statements.values() for sid in fn}
            total_branches = {int(bid) for fn in branches.values() for bid in fn}
            missed = sorted(
                f"{fn}: line {_line(artifact['source'], offset[0])}"
                for fn, items in statements.items() for sid, offset in items.items()
                if int(sid) not in hit_statements
            )
            missed_outcomes = sorted(
                f"{fn}: line {_line(artifact['source'], item[0])} ({'taken' if taken else 'not taken'})"
                for fn, items in branches.items() for bid, item in items.items()
                for taken in (True, False) if (int(bid), taken) not in outcomes
            )
            summary[name] = {
                "statements": len(total_statements),
                "statements_hit": len(total_statements & hit_statements),
                "statement_pct": _pct(len(total_statements & hit_statements), len(total_statements)),
                "branch_outcomes": 2 * len(total_branches),
                "branch_outcomes_hit": len({o for o in outcomes if o[0] in total_branches}),
                "branch_pct": _pct(len({o for o in outcomes if o[0] in total_branches}), 2 * len(total_branches)),
                "statements_missed": missed,
                "branch_outcomes_missed": missed_outcomes,
            }
        return summary


def _line(source: str, offset: int) -> int:
    return source.encode()[:offset].count(b"\n") + 1


def _pct(hit: int, total: int) -> float:
    return round(100.0 * hit / total, 1) if total else 100.0


def write_report(collector: CoverageCollector) -> str:
    summary = collector.report()
    out = ROOT / "reports" / "coverage.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")
    lines = [f"contract coverage ({out.relative_to(ROOT)}; {len(collector.errors)} traces failed"
             + (f", first: {collector.errors[0]}" if collector.errors else "") + "):",
             f"  {'contract':<22}{'statements':>18}{'branch outcomes':>22}"]
    for name, row in summary.items():
        lines.append(f"  {name:<22}{row['statements_hit']:>6}/{row['statements']:<4} {row['statement_pct']:>5}%"
                     f"{row['branch_outcomes_hit']:>8}/{row['branch_outcomes']:<4} {row['branch_pct']:>5}%")
        lines += [f"      not executed: {item}" for item in row["statements_missed"]]
        lines += [f"      branch outcome not seen: {item}" for item in row["branch_outcomes_missed"]]
    return "\n".join(lines)
