"""The email as it arrives at a real SMTP server: headers, both parts, DKIM, the links."""

import base64
import re
from email.utils import parsedate_to_datetime

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from masthead.newsletters.models import Edition, Subscription
from masthead.newsletters.services import sending, subscriptions
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dkim_key(settings):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    settings.NEWSLETTER_DKIM = {
        "private_key": pem,
        "selector": "mh2026",
        "domain": "news.example.org",
    }
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)

    def dns(name, timeout=5):
        assert name == b"mh2026._domainkey.news.example.org."
        return record

    return dns


def send_edition(**fields):
    weekly = factories.newsletter(name="The Friday Courier", slug="friday")
    reader = factories.subscriber(email="reader@example.net", lists=[weekly])
    edition = factories.edition(newsletter=weekly, subject="Freitag: ünïcödé news", **fields)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    sending.edition_send_run(edition_id=edition.pk)
    return reader, weekly, edition


def test_headers_parts_and_no_tracking(smtp_sink):
    _reader, _weekly, edition = send_edition()
    [mail] = smtp_sink.messages
    message = mail.message
    assert message["From"] == "The Courier <newsletter@news.example.org>"
    assert message["To"] == "reader@example.net"
    assert message["Subject"] == "Freitag: ünïcödé news"
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert re.fullmatch(
        rf"<nl\.{edition.pk}\.\d+\.[0-9a-f]+@news\.example\.org>", message["Message-ID"]
    )
    assert message["List-Id"] == '"The Friday Courier" <friday.list-id.news.example.org>'
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"]
    assert re.search(r"<https://news\.example\.org/newsletter/unsubscribe/[^>]+/>", unsubscribe)
    assert "<mailto:newsletter@news.example.org?subject=unsubscribe%20" in unsubscribe
    assert all(len(line) <= 998 for line in mail.data.split(b"\r\n"))
    text = mail.part("text/plain")
    html = mail.part("text/html")
    assert "Good morning." in text and "Story 0" in text and "/newsletter/unsubscribe/" in text
    assert "<table" in html and 'role="presentation"' in html
    assert 'style="' in html  # CSS inlined for clients that drop <style>
    assert "prefers-color-scheme: dark" in html and 'name="color-scheme"' in html
    # No tracking: links go straight to the site; the only images are the articles' photos.
    for href in re.findall(r'href="([^"]+)"', html):
        assert href.startswith("https://news.example.org/"), href
    for src in re.findall(r'<img[^>]+src="([^"]+)"', html):
        assert src.startswith("https://news.example.org/media/images/"), src


def test_unsubscribe_links_in_the_email_work(client, smtp_sink):
    reader, weekly, _edition = send_edition()
    [mail] = smtp_sink.messages
    one_click = re.search(
        r"<https://news\.example\.org(/newsletter/unsubscribe/[^>]+/)>",
        mail.message["List-Unsubscribe"],
    ).group(1)
    visible = re.search(
        r'href="https://news\.example\.org(/newsletter/unsubscribe/[^"]+/)"', mail.part("text/html")
    ).group(1)
    assert visible == one_click
    page = client.get(visible)
    assert page.status_code == 200 and b"Leave The Friday Courier" in page.content
    # What a mail provider does for the "Unsubscribe" button: POST, no cookie, no Origin.
    response = client.post(
        one_click, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Subscription.objects.get(subscriber=reader, newsletter=weekly).status == "unsubscribed"


def test_dkim_signature_verifies(smtp_sink, dkim_key):
    send_edition(full_text=True)
    [mail] = smtp_sink.messages
    assert mail.data.startswith(b"DKIM-Signature:")
    signature = mail.message["DKIM-Signature"]
    for header in ("from", "subject", "list-unsubscribe", "list-unsubscribe-post", "message-id"):
        assert header in signature.replace(" ", "").split("h=")[1].split(";")[0].split(":")
    assert dkim.verify(mail.data, dnsfunc=dkim_key)
    # Altering the body breaks it.
    assert not dkim.verify(mail.data.replace(b"Good morning", b"Good evening"), dnsfunc=dkim_key)


def test_confirmation_email_is_signed_too(
    settings, smtp_sink, dkim_key, django_capture_on_commit_callbacks
):
    settings.MAILERS["default"]["BACKEND"] = (
        "masthead.newsletters.email.dkim_backend.DkimSmtpBackend"
    )
    weekly = factories.newsletter(slug="friday")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscriber_signup(email="new@example.net", newsletters=[weekly])
    [mail] = smtp_sink.wait_for(1)
    assert dkim.verify(mail.data, dnsfunc=dkim_key)


def test_full_text_puts_the_whole_article_in_the_email(smtp_sink):
    send_edition(full_text=True)
    [mail] = smtp_sink.messages
    assert "Second paragraph." in mail.part("text/plain")
    assert "We will not be silenced." in mail.part("text/html")


def test_test_send_goes_to_the_editor_only(smtp_sink):
    from masthead.newsletters.services.editions import edition_send_test

    weekly = factories.newsletter()
    factories.subscriber(lists=[weekly])
    edition = factories.edition(newsletter=weekly)
    edition_send_test(edition=edition, to="editor@example.org")
    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["editor@example.org"]
    assert mail.message["Subject"].startswith("[Test] ")
    edition.refresh_from_db()
    assert edition.status == "draft"


def test_editions_carry_the_current_ways_in_unless_the_list_opts_out(smtp_sink):
    """For readers whose country blocks the site: the onion address and the mirrors as they
    are when the edition goes out."""
    from masthead.distribution.models import Mirror, MirrorSettings
    from masthead.newsletters.email import render

    onion = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion"
    settings_row = MirrorSettings.load()
    settings_row.onion_address = onion
    settings_row.save()
    Mirror.objects.create(url="https://mirror-one.example.net")
    send_edition()
    [mail] = smtp_sink.messages
    text, html = mail.part("text/plain"), mail.part("text/html")
    assert "If our website is blocked where you are:" in text
    assert f"Tor Browser: http://{onion}" in text
    assert "Mirror: https://mirror-one.example.net" in text
    assert 'href="https://mirror-one.example.net"' in html and f'href="http://{onion}"' in html

    quiet = factories.newsletter(name="Breaking", slug="breaking", include_mirrors=False)
    edition = factories.edition(newsletter=quiet)
    rendered = render.edition_render(edition=edition)
    assert "mirror-one" not in rendered.text and "mirror-one" not in rendered.html
    assert "blocked where you are" not in rendered.text
