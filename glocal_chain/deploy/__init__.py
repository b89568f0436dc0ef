"""Deploying the suite: one routine for `glocal deploy` and `brownie run scripts/deploy.py`."""
