"""glocal-chain: community supply chains on a permissioned EVM chain."""

__version__ = "0.1.0"
