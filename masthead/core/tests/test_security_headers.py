import pytest

from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db


def test_public_pages_carry_strict_headers(client):
    story = factories.article(parent=factories.section())
    for path in ["/", story.url, "/no-such-page/", "/feeds/rss.xml"]:
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "Strict-Transport-Security" not in response  # plain HTTP request


def test_hsts_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")


def test_cached_pages_keep_their_headers(client):
    story = factories.article(parent=factories.section())
    client.get(story.url)
    hit = client.get(story.url)
    assert hit["X-Page-Cache"] == "hit"
    assert "script-src 'self';" in hit["Content-Security-Policy"]
    assert hit["X-Content-Type-Options"] == "nosniff"


def test_public_pages_have_no_inline_script(client):
    import re

    story = factories.article(parent=factories.section())
    html = client.get(story.url).content.decode()
    for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert 'src="' in attrs or 'type="application/ld+json"' in attrs, attrs
    assert not re.search(r"\son[a-z]+=\"", html)  # no inline event handlers
    assert "style=" not in html


def test_admin_gets_its_own_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]


def test_session_cookie_is_secure_when_served_over_https():
    from django.conf import settings

    assert settings.BASE_URL.startswith("https://")
    assert (
        settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
        and settings.SESSION_COOKIE_HTTPONLY
    )
