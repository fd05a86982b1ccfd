"""Small helpers shared by the newsletter tests."""

import re

ORIGIN = "https://news.example.org"  # MASTHEAD_BASE_URL in tests (project/tests/environment.py)


def post_form(client, path, data, *, origin=ORIGIN, json=False, **extra):
    headers = {}
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    if json:
        headers["HTTP_ACCEPT"] = "application/json"
    return client.post(path, data, **headers, **extra)


def link_in(text: str, path: str) -> str:
    """The first absolute link to ``path…`` in a message body, as a site path."""
    match = re.search(rf"https://news\.example\.org({re.escape(path)}[^\s\"<>]*)", text)
    assert match, f"no {path} link in:\n{text}"
    return match.group(1)
