"""Logging set-up for commands and services: plain lines, or one JSON object per line
(GLOCAL_LOG_FORMAT=json) for log collectors; the level from GLOCAL_LOG_LEVEL."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import TextIO


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


class _CurrentStderr(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stderr is at the time of the record (test runners swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        return None


#: Loggers whose INFO lines a person at the terminal should see even at the default WARNING level: each
#: says that a command did something the person did not ask for (starting the local chain on first use).
ANNOUNCING_LOGGERS = ("glocal_chain.chain.networks",)


#: Where the long-running services (`glocal agent|oracle|api|indexer run`) log by default: each accept, print,
#: ship, vote and rewind is a line their operator reads; one-shot commands stay at WARNING.
SERVICE_LOG_LEVEL = "INFO"


def configure_logging(default_level: str = "WARNING") -> None:
    handler = _CurrentStderr()
    if os.environ.get("GLOCAL_LOG_FORMAT", "").lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("GLOCAL_LOG_LEVEL", default_level).upper())
    if "GLOCAL_LOG_LEVEL" not in os.environ:
        for name in ANNOUNCING_LOGGERS:
            logging.getLogger(name).setLevel(logging.INFO)
