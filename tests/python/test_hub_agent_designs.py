"""The design lookup tells "no such file" and "a file that does not match" (None: the order is rejected) from
"the source cannot answer now" (DesignSourceUnavailable: ask again later), over real HTTP: a source that
answers 503, one that is not listening, and one that has the file."""

from __future__ import annotations

import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from glocal_chain.agent.designs import DesignLibrary, DesignSourceUnavailable

PART = b"G28\nG1 X10 Y10\n"
DIGEST = hashlib.sha256(PART).hexdigest()


@pytest.fixture
def source():
    """A real HTTP server: /ok/<sha256> has the file, /bad/ serves other bytes, /busy/ answers 503."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            kind = self.path.split("/")[1]
            code, body = {"ok": (200, PART), "bad": (200, PART + b"; tampered\n"), "busy": (503, b"later"),
                          "limited": (429, b"slow down")}.get(kind, (404, b"no such design"))
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fetch_raises_unavailable_if_source_answers_5xx_or_429(source):
    for kind in ("busy", "limited"):
        with pytest.raises(DesignSourceUnavailable, match="answered"):
            DesignLibrary([], [f"{source}/{kind}/{{sha256}}"]).fetch("0x" + DIGEST)


def test_fetch_raises_unavailable_if_source_not_listening():
    with pytest.raises(DesignSourceUnavailable, match="unreachable"):
        DesignLibrary([], [f"http://127.0.0.1:{closed_port()}/{{sha256}}"], timeout_s=2).fetch("0x" + DIGEST)


def test_fetch_returns_none_if_source_has_no_such_file_or_bytes_do_not_match(source):
    assert DesignLibrary([], [f"{source}/missing/{{sha256}}"]).fetch("0x" + DIGEST) is None
    assert DesignLibrary([], [f"{source}/bad/{{sha256}}"]).fetch("0x" + DIGEST) is None


def test_fetch_returns_design_if_one_source_is_down_and_another_has_it(source):
    library = DesignLibrary([], [f"{source}/busy/{{sha256}}", f"{source}/ok/{{sha256}}"])
    assert library.fetch("0x" + DIGEST) == PART


def test_fetch_raises_unavailable_if_the_only_other_source_has_no_file(source):
    library = DesignLibrary([], [f"{source}/missing/{{sha256}}", f"{source}/busy/{{sha256}}"])
    with pytest.raises(DesignSourceUnavailable):  # the source that is down may well have it
        library.fetch("0x" + DIGEST)
