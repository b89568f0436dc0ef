"""`glocal demo`: a day in a community network, acted out on a fresh local chain."""
