"""The event stream: the suite's events, confirmed, in order, each handed to its handler exactly once."""
