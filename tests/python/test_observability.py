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
        assert "glocal_agent_jobs_started 4.0" in httpx.get(f"http://127.0.0.1:{server.port}/metrics").text
        assert httpx.get(f"http://127.0.0.1:{server.port}/other").status_code == 404
    finally:
        server.stop()


def test_healthz_answers_503_with_problems_if_agent_reports_any():
    problems: list[str] = []
    status = {"hub_id": 1, "printers": [{"name": "p1", "state": "idle"}]}
    server = AgentObservability(dict, health=lambda: (list(problems), {"chain": "reachable"}), status=lambda: status)
    server.start()
    try:
        ok = httpx.get(f"http://127.0.0.1:{server.port}/healthz")
        assert ok.status_code == 200 and ok.json() == {"status": "ok", "problems": [], "chain": "reachable"}
        problems.extend(["no printer reachable", "chain unreachable"])
        degraded = httpx.get(f"http://127.0.0.1:{server.port}/healthz")
        assert degraded.status_code == 503
        assert degraded.json()["status"] == "degraded"
        assert degraded.json()["problems"] == ["no printer reachable", "chain unreachable"]
        assert httpx.get(f"http://127.0.0.1:{server.port}/status").json() == status
    finally:
        server.stop()


def test_json_formatter_writes_one_object_per_line_if_json_logs():
    record = logging.LogRecord("glocal_chain.agent", logging.WARNING, __file__, 1, "order %d closed", (7,), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "order 7 closed" and entry["level"] == "warning"
    assert entry["logger"] == "glocal_chain.agent"
