"""OctoPrint over its REST API: `X-Api-Key`; upload with `print=true`; `GET /api/job`; file statistics."""

from __future__ import annotations

from typing import Any

import httpx

from glocal_chain.printers.base import JobResult, PrinterState, PrinterStatus, PrinterUnavailable

STATES = {"operational": PrinterState.IDLE, "printing": PrinterState.PRINTING, "starting": PrinterState.PRINTING,
          "pausing": PrinterState.PRINTING, "paused": PrinterState.PRINTING, "cancelling": PrinterState.PRINTING,
          "finishing": PrinterState.PRINTING, "resuming": PrinterState.PRINTING}


class OctoPrintDriver:
    def __init__(self, name: str, url: str, api_key: str, timeout_s: float = 10.0) -> None:
        self.name = name
        self._client = httpx.Client(base_url=url.rstrip("/"), headers={"X-Api-Key": api_key}, timeout=timeout_s)

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise PrinterUnavailable(f"printer {self.name}: OctoPrint unreachable ({type(exc).__name__})") from exc
        if response.status_code in (401, 403):
            raise PrinterUnavailable(f"printer {self.name}: OctoPrint refused the API key")
        if response.status_code >= 500:
            raise PrinterUnavailable(f"printer {self.name}: OctoPrint answered {response.status_code}")
        return response

    def status(self) -> PrinterStatus:
        response = self._request("GET", "/api/job")
        if response.status_code == 409:
            return PrinterStatus(PrinterState.OFFLINE)
        data = response.json()
        text = str(data.get("state", "")).lower()
        state = STATES.get(text.split(" ")[0], PrinterState.ERROR if "error" in text else PrinterState.OFFLINE)
        job = (data.get("job") or {}).get("file") or {}
        return PrinterStatus(state, job.get("name"), (data.get("progress") or {}).get("completion"))

    def submit(self, job_name: str, gcode: bytes) -> None:
        response = self._request("POST", "/api/files/local", files={"file": (job_name, gcode)},
                                 data={"select": "true", "print": "true"})
        if response.status_code != 201:
            raise PrinterUnavailable(f"printer {self.name}: upload of {job_name} refused "
                                     f"({response.status_code} {response.text[:200]})")

    def job_result(self, job_name: str) -> JobResult:
        response = self._request("GET", f"/api/files/local/{job_name}")
        if response.status_code == 404:
            return JobResult.UNKNOWN
        last = ((response.json().get("prints") or {}).get("last")) or {}
        if "success" not in last:
            return JobResult.SUBMITTED
        return JobResult.SUCCEEDED if last["success"] else JobResult.FAILED

    def cancel(self) -> None:
        self._request("POST", "/api/job", json={"command": "cancel"})

    def close(self) -> None:
        self._client.close()
