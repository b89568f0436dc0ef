"""The agent's /metrics and /healthz over real HTTP, and JSON log lines."""

import json
import logging

import httpx

from glocal_chain.agent.observability import AgentObservability
from glocal_chain.logs import JsonFormatter


def test_metrics_and_healthz_serve_current_values_if_scraped():
    values = {"jobs_started": 3, "queue_depth": 2}
    server = AgentObservability(lambda: dict(values))
    server.start()
    try:
        metrics = httpx.get(f"http://127.0.0.1:{server.port}/metrics").text
        assert "glocal_agent_jobs_started 3.0" in metrics and "glocal_agent_queue_depth 2.0" in metrics
        values["jobs_started"] = 4
        health = httpx.get(f"http://127.0.0.1:{server.port}/healthz").json()
        assert health == {"status": "ok", "jobs_started": 4, "queue_depth": 2}
        assert httpx.get(f"http://127.0.0.1:{server.port}/other").status_code == 404
    finally:
        server.stop()


def test_json_formatter_writes_one_object_per_line_if_json_logs():
    record = logging.LogRecord("glocal_chain.agent", logging.WARNING, __file__, 1, "order %d closed", (7,), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "order 7 closed" and entry["level"] == "warning"
    assert entry["logger"] == "glocal_chain.agent"
