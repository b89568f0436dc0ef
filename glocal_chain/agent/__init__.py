"""The hub agent: paid orders on chain -> verified designs -> print jobs on the hub's printers -> shipped."""
