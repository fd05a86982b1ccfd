import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Pages link hashed asset names from the manifest, as in production."""
    call_command("collectstatic", interactive=False, verbosity=0)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def old_site(tmp_path):
    """The old site's web server on 127.0.0.1: serves files put under ``root``."""
    root = tmp_path / "web"
    root.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.root = root
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
