"""Loaded by pytest as a plugin (``-p``) before Django's settings are read.

Each run gets its own data directory, so tests never touch ./var, and a known origin.
"""

import os
import tempfile

_data_dir = tempfile.mkdtemp(prefix="masthead-test-")
os.environ.setdefault("MASTHEAD_DATA_DIR", _data_dir)
os.environ.setdefault("MASTHEAD_BASE_URL", "https://news.example.org")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost,news.example.org")
# Playwright's sync API runs an event loop in the test thread; Django would otherwise take
# every later database query in the same process for one made from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
