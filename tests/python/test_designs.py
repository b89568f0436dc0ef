"""Design files found by their sha256 in folders and over real HTTP; bytes that do not match are refused."""

import functools
import hashlib
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from glocal_chain.agent.designs import DesignLibrary

PART = b"G28\nG1 X10 Y10\n"
DIGEST = hashlib.sha256(PART).hexdigest()


@pytest.fixture
def design_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_finds_file_by_hash_if_name_differs(tmp_path):
    (tmp_path / "any-name.gcode").write_bytes(PART)
    assert DesignLibrary([tmp_path]).fetch("0x" + DIGEST) == PART


def test_fetch_refuses_file_if_changed_on_disk_after_indexing(tmp_path):
    path = tmp_path / "part.gcode"
    path.write_bytes(PART)
    library = DesignLibrary([tmp_path])
    assert library.fetch("0x" + DIGEST) == PART
    path.write_bytes(PART + b"; tampered\n")
    assert library.fetch("0x" + DIGEST) is None


def test_fetch_downloads_from_url_template_if_not_local(tmp_path, design_server):
    served, base = design_server
    (served / DIGEST).write_bytes(PART)
    library = DesignLibrary([tmp_path / "empty"], [base + "/{sha256}"])
    assert library.fetch("0x" + DIGEST) == PART


def test_fetch_refuses_download_if_bytes_do_not_match_hash(tmp_path, design_server):
    served, base = design_server
    (served / DIGEST).write_bytes(PART + b"; not the registered design\n")
    library = DesignLibrary([], [base + "/{sha256}"])
    assert library.fetch("0x" + DIGEST) is None
    assert DesignLibrary([], [base + "/missing/{sha256}"]).fetch("0x" + DIGEST) is None
