"""The `glocal` command line."""
