"""How much block history every anvil the project starts keeps (`glocal_chain.chain.anvil` and Brownie's
development network both use this).

anvil 1.7 keeps a few hundred block states in memory and spills older ones to `~/.foundry/anvil/tmp/anvil-state-*`,
which it leaves behind when it stops: gigabytes on a long run. `--prune-history N` keeps at most N states, in memory
only, and writes none to disk. Blocks, transactions, receipts and logs are all kept; what is lost is reading state
(eth_call, balances) more than N blocks back. N covers tracing the last transactions (contract coverage traces each
transaction right after it; the gas breakdown does the same), snapshots and reverts, and the reorganisations tests
make.
"""

from __future__ import annotations

#: Block states anvil keeps, in memory only.
STATE_HISTORY_BLOCKS = 256
PRUNE_HISTORY_ARGS: tuple[str, ...] = ("--prune-history", str(STATE_HISTORY_BLOCKS))
