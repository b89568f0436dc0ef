"""Chain access: networks, the local node, connections, transactions and revert decoding."""
