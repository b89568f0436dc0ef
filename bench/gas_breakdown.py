"""Where a transaction's gas goes, read from anvil's opcode trace (`debug_traceTransaction`; the node runs
with `--steps-tracing`).

Every opcode's own cost goes to one category, and the categories add up to the receipt's `gasUsed`:

- `base_and_calldata`: the 21,000 every transaction pays, plus its calldata bytes;
- `storage_writes` (SSTORE) and `storage_reads` (SLOAD), cold or warm as EIP-2929 prices them;
- `external_calls`: what a CALL, STATICCALL or EXTCODESIZE costs the caller itself (mostly the cold
  account access), not what the callee spends, which is counted by the callee's own opcodes;
- `events`: LOG0 to LOG4;
- `other`: everything else (stack, memory, jumps, hashing, transient storage for the reentrancy guard);
- `refund`: negative, the EIP-3529 refund for storage set back to zero (an allowance spent in full).
"""

from __future__ import annotations

from typing import Any

from web3 import Web3

CATEGORIES = ("base_and_calldata", "storage_writes", "storage_reads", "external_calls", "events", "other", "refund")
_ENTERS_CODE = {"CALL", "STATICCALL", "DELEGATECALL", "CALLCODE", "CREATE", "CREATE2"}
_EXTERNAL = _ENTERS_CODE | {"EXTCODESIZE", "EXTCODEHASH", "EXTCODECOPY"}


def _category(op: str) -> str:
    if op == "SSTORE":
        return "storage_writes"
    if op == "SLOAD":
        return "storage_reads"
    if op in _EXTERNAL:
        return "external_calls"
    if op.startswith("LOG"):
        return "events"
    return "other"


def _own_costs(steps: list[dict[str, Any]]) -> list[int]:
    """Each step's own cost, in one pass. A step that enters code costs its caller the gas that went missing
    across the call (from the call to the caller's next step), minus what the callee's steps spent."""
    costs = [int(step["gasCost"]) for step in steps]
    open_calls: list[int] = []  # steps that entered code and have not returned yet, innermost last
    for index, step in enumerate(steps):
        while open_calls and steps[open_calls[-1]]["depth"] >= step["depth"]:
            call = open_calls.pop()
            if steps[call + 1]["depth"] == steps[call]["depth"] + 1:
                last = steps[index - 1]  # the callee's final step
                spent_by_callee = int(steps[call + 1]["gas"]) - (int(last["gas"]) - int(last["gasCost"]))
            else:  # a precompile or an account without code: nothing ran at the next depth
                spent_by_callee = 0
            costs[call] = int(steps[call]["gas"]) - int(step["gas"]) - spent_by_callee
        if step["op"] in _ENTERS_CODE:
            open_calls.append(index)
    return costs


def breakdown(w3: Web3, tx_hash: Any) -> dict[str, int]:
    """Gas of one mined transaction by category; raises if the parts do not add up to `gasUsed`."""
    hash_hex = Web3.to_hex(tx_hash)
    trace = w3.provider.make_request("debug_traceTransaction", [hash_hex, {"disableStorage": True}])  # type: ignore[arg-type]
    steps: list[dict[str, Any]] = trace["result"]["structLogs"]
    if not steps:
        raise RuntimeError("the node returned no opcode steps: start anvil with --steps-tracing")
    gas_used = int(w3.eth.get_transaction_receipt(hash_hex)["gasUsed"])
    gas_limit = int(w3.eth.get_transaction(hash_hex)["gas"])
    parts = dict.fromkeys(CATEGORIES, 0)
    parts["base_and_calldata"] = gas_limit - int(steps[0]["gas"])
    for step, cost in zip(steps, _own_costs(steps), strict=True):
        parts[_category(step["op"])] += cost
    parts["refund"] = gas_used - sum(parts.values())
    if parts["refund"] > 0:
        raise RuntimeError(f"gas breakdown of {hash_hex} is short by {parts['refund']}: the trace is incomplete")
    return parts


def add_up(breakdowns: list[dict[str, int]]) -> dict[str, int]:
    return {category: sum(parts[category] for parts in breakdowns) for category in CATEGORIES}
