"""Trying to get in through the ESP webhooks (django-anymail's endpoints under
/newsletter/anymail/): without its secret an endpoint does not exist; forged, replayed and
malformed posts to every endpoint change nothing and never get a 5xx.

Each test compares every row of the apps a webhook could change (newsletters, supporters,
payments) before and after. The security audit log is left out on purpose: refusals are
traced there, at most once per endpoint, reason and hour.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.apps import apps
from django.core import checks
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from masthead.audit.models import SecurityEvent
from masthead.newsletters import webhooks
from masthead.newsletters.models import Suppression
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db

BASIC = "hook:s3cret"
# Every secret anymail can verify a sender with: each endpoint is then on.
ALL_SECRETS = {
    "WEBHOOK_SECRET": BASIC,
    "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key",
    "MAILERSEND_SIGNING_SECRET": "mailersend-secret",
    "MAILERSEND_INBOUND_SECRET": "mailersend-inbound-secret",
    "MANDRILL_WEBHOOK_KEY": "mandrill-key",
    "POSTAL_WEBHOOK_KEY": "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL0",  # not even a valid key
    "UNISENDER_GO_API_KEY": "unisender-key",
}


def auth(credentials: str = BASIC) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}


def snapshot() -> dict[str, list[dict]]:
    """Every row of every model of the apps a webhook could change."""
    rows = {}
    for label in ("newsletters", "supporters", "payments"):
        for model in apps.get_app_config(label).get_models():
            rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return rows


def endpoints() -> list[str]:
    """Every ESP endpoint's path, from the patterns actually served."""
    paths = []
    for pattern in webhooks.urlpatterns:
        route = str(pattern.pattern).removeprefix("^").removesuffix("$")
        paths.append("/newsletter/anymail/" + route.replace("(_mime)?", ""))
    return paths


def postmark_bounce(email: str) -> bytes:
    return json.dumps(
        {
            "RecordType": "Bounce",
            "ID": 42,
            "Type": "HardBounce",
            "TypeCode": 1,
            "MessageID": "00000000-0000-0000-0000-000000000000",
            "Email": email,
            "Description": "The server was unable to deliver your message",
            "BouncedAt": "2026-11-27T09:00:00Z",
        }
    ).encode()


def mailgun_bounce(email: str, *, key: str = "mailgun-signing-key", stamp=None) -> bytes:
    timestamp = str(int(time.time()) if stamp is None else stamp)
    token = "a" * 50
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return json.dumps(
        {
            "signature": {"timestamp": timestamp, "token": token, "signature": signature},
            "event-data": {
                "event": "failed",
                "severity": "permanent",
                "id": "mg-event-1",
                "timestamp": float(timestamp),
                "recipient": email,
                "message": {"headers": {"message-id": "x@mailgun.example"}},
                "delivery-status": {"code": 550, "message": "No such user", "description": ""},
                "reason": "bounce",
            },
        }
    ).encode()


@pytest.fixture
def reader():
    # A subscriber a forged bounce would suppress.
    return factories.subscriber(email="reader@example.net", lists=[factories.newsletter()])


@pytest.fixture
def all_secrets(settings):
    settings.ANYMAIL = dict(ALL_SECRETS)
    return settings


# --- No secret, no endpoint --------------------------------------------------------------------


def test_every_anymail_endpoint_is_listed():
    """Unknown means closed: an endpoint anymail adds is not served until it is listed, and
    this says so when anymail grows one."""
    from anymail import urls as anymail_urls

    assert len(webhooks.urlpatterns) == len(anymail_urls.urlpatterns) == 27


def test_without_secrets_every_esp_endpoint_is_404(client, settings, reader):
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "sending only"}
    before = snapshot()
    body = postmark_bounce(reader.email)
    for path in endpoints():
        for headers in ({}, auth()):
            response = client.post(path, body, content_type="application/json", **headers)
            assert response.status_code == 404, path
        assert client.head(path).status_code == 404, path
    assert snapshot() == before


def test_calls_to_an_endpoint_that_is_off_are_audited_once_per_endpoint(client, settings):
    cache.clear()
    settings.ANYMAIL = {}
    for _ in range(5):
        for path in ("/newsletter/anymail/postmark/tracking/", "/newsletter/anymail/mandrill/"):
            assert client.post(path, b"{}", content_type="application/json").status_code == 404
    assert sorted(
        e.detail["endpoint"] for e in SecurityEvent.objects.filter(action="webhook.secret_missing")
    ) == ["newsletters/mandrill_webhook", "newsletters/postmark_tracking_webhook"]


def test_the_shared_secret_does_not_open_the_esps_that_sign(client, settings, reader):
    """Mailgun, MailerSend, Mandrill, Postal, Unisender Go verify a signature: basic auth
    alone does not turn them on (anymail could not check their posts)."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC}
    body = mailgun_bounce(reader.email)
    for path in (
        "/newsletter/anymail/mailgun/tracking/",
        "/newsletter/anymail/mailersend/tracking/",
        "/newsletter/anymail/mandrill/",
        "/newsletter/anymail/postal/tracking/",
        "/newsletter/anymail/unisender_go/tracking/",
    ):
        response = client.post(path, body, content_type="application/json", **auth())
        assert response.status_code == 404, path
    assert (
        client.post(
            "/newsletter/anymail/postmark/tracking/",
            postmark_bounce(reader.email),
            content_type="application/json",
            **auth(),
        ).status_code
        == 200
    )


def test_a_mailer_whose_bounces_cannot_arrive_is_reported_at_start_up(settings):
    settings.MAILERS = {
        **settings.MAILERS,
        "bulk": {"BACKEND": "anymail.backends.postmark.EmailBackend"},
    }
    settings.ANYMAIL = {}
    found = [m for m in checks.run_checks() if m.id == "newsletters.W103"]
    assert len(found) == 1 and "ANYMAIL_WEBHOOK_SECRET" in found[0].hint
    settings.ANYMAIL = {"WEBHOOK_SECRET": "no-colon"}
    assert [m.id for m in checks.run_checks() if m.id.startswith("newsletters.W1")] == [
        "newsletters.W101"
    ]
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC}
    assert not [m for m in checks.run_checks() if m.id.startswith("newsletters.W1")]


# --- Forged ------------------------------------------------------------------------------------


def forged_bodies(email: str) -> list[tuple[bytes, str]]:
    return [
        (postmark_bounce(email), "application/json"),
        (mailgun_bounce(email, key="somebody-else"), "application/json"),
        (
            f"recipient={email}&event=bounced&token=x&timestamp=1&signature=00".encode(),
            "application/x-www-form-urlencoded",
        ),
    ]


def test_forged_posts_to_every_endpoint_change_nothing(client, all_secrets, reader):
    before = snapshot()
    for path in endpoints():
        for body, content_type in forged_bodies(reader.email):
            for headers in (
                {},
                auth("hook:wrong"),
                auth("nocolon"),
                {"HTTP_AUTHORIZATION": "Basic ???"},
            ):
                response = client.post(path, body, content_type=content_type, **headers)
                assert 400 <= response.status_code < 500, (path, headers, response.status_code)
    assert snapshot() == before
    assert not Suppression.objects.exists()


def test_with_the_shared_secret_a_wrong_signature_still_changes_nothing(
    client, all_secrets, reader
):
    """Where the ESP signs, the basic-auth secret is not enough: the signature must match."""
    before = snapshot()
    body = mailgun_bounce(reader.email, key="somebody-else")
    for path in (
        "/newsletter/anymail/mailgun/tracking/",
        "/newsletter/anymail/mailgun/inbound/",
        "/newsletter/anymail/mailersend/tracking/",
        "/newsletter/anymail/mailersend/inbound/",
        "/newsletter/anymail/mandrill/",
        "/newsletter/anymail/mandrill/tracking/",
        "/newsletter/anymail/postal/tracking/",
        "/newsletter/anymail/postal/inbound/",
        "/newsletter/anymail/unisender_go/tracking/",
    ):
        for headers in (
            auth(),
            {**auth(), "HTTP_SIGNATURE": "00", "HTTP_X_POSTAL_SIGNATURE": "AA=="},
        ):
            response = client.post(path, body, content_type="application/json", **headers)
            assert 400 <= response.status_code < 500, (path, response.status_code)
    assert snapshot() == before


def test_a_flood_of_forgeries_leaves_one_audit_entry(client, all_secrets, reader, caplog):
    cache.clear()  # the once-an-hour mark of an earlier test
    for _ in range(30):
        response = client.post(
            "/newsletter/anymail/postmark/tracking/",
            postmark_bounce(reader.email),
            content_type="application/json",
        )
        assert response.status_code == 400
    entry = SecurityEvent.objects.get(action="webhook.refused")
    assert entry.detail["endpoint"] == "newsletters/postmark_tracking_webhook"
    assert caplog.text.count("postmark_tracking_webhook refused") == 30


# --- Genuine, and replayed ---------------------------------------------------------------------


def test_a_genuine_bounce_delivered_twice_suppresses_once(client, all_secrets, reader):
    for _ in range(2):
        response = client.post(
            "/newsletter/anymail/postmark/tracking/",
            postmark_bounce(reader.email),
            content_type="application/json",
            **auth(),
        )
        assert response.status_code == 200
    assert list(Suppression.objects.values_list("email", "reason")) == [(reader.email, "bounced")]


def test_a_signed_mailgun_bounce_suppresses_and_a_replay_changes_nothing(client, settings, reader):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-signing-key"}
    body = mailgun_bounce(reader.email)
    path = "/newsletter/anymail/mailgun/tracking/"
    assert client.post(path, body, content_type="application/json").status_code == 200
    after_first = snapshot()
    assert Suppression.objects.get().email == reader.email
    assert client.post(path, body, content_type="application/json").status_code == 200
    assert snapshot() == after_first


# --- Malformed ---------------------------------------------------------------------------------

MALFORMED = [
    (b"", "application/json"),
    (b"{not json", "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b"[]", "application/json"),
    (b"null", "application/json"),
    (b"1e400", "application/json"),
    (b'{"RecordType": 5, "Type": ["HardBounce"], "Email": {"a": null}}', "application/json"),
    (b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": 12345}', "application/json"),
    (
        b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": "x\\u0000@example.net"}',
        "application/json",
    ),
    (
        b'{"RecordType": "Bounce", "Type": "HardBounce", "Email": "' + b"a" * 5000 + b'@x.net"}',
        "application/json",
    ),
    (b'{"RecordType": "Bounce", "BouncedAt": 1e20, "ID": 1e400}', "application/json"),
    (b'[{"event": "bounce", "email": null, "timestamp": 1e300}]', "application/json"),
    (b"[" * 50_000 + b"]" * 50_000, "application/json"),
    (b"mandrill_events=%5B%7B%7D%5D", "application/x-www-form-urlencoded"),
    (b"mandrill_events=not-json", "application/x-www-form-urlencoded"),
    (b"just some text", "text/plain"),
    (
        b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--",
        "multipart/form-data; boundary=x",
    ),
]


def test_malformed_posts_with_the_secret_never_get_a_5xx_and_change_nothing(
    client, settings, reader
):
    # Basic auth on, every endpoint that needs no more than that: these read the body.
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC}
    served = [
        p
        for p in endpoints()
        if client.post(p, b"{}", content_type="application/json").status_code != 404
    ]
    assert "/newsletter/anymail/postmark/tracking/" in served
    # All but the 9 URLs of the 5 ESPs that must sign, and 4 inbound ones that also need
    # the ESP's API key (Brevo and its old name, Mailtrap, Resend).
    assert len(served) == 14
    before = snapshot()
    for path in served:
        for body, content_type in MALFORMED:
            response = client.post(path, body, content_type=content_type, **auth())
            assert response.status_code < 500, (path, body[:60], response.status_code)
    assert snapshot() == before


# --- ESPs that sign: a genuine post counts, a tampered one does not ------------------------------


def mailersend_bounce(email: str) -> tuple[bytes, str, dict]:
    body = json.dumps(
        {
            "type": "activity.hard_bounced",
            "data": {
                "id": "ms-activity-1",
                "type": "hard_bounced",
                "created_at": "2026-11-27T09:00:00.000000Z",
                "email": {"message": {"id": "ms-message-1"}, "recipient": {"email": email}},
                "morph": {"object": "recipient_bounce", "reason": "No such user"},
            },
        }
    ).encode()
    mac = hmac.new(b"mailersend-secret", body, hashlib.sha256).hexdigest()
    return body, "application/json", {"HTTP_SIGNATURE": mac}


def mandrill_bounce(email: str) -> tuple[bytes, str, dict]:
    from urllib.parse import urlencode

    events = json.dumps(
        [{"event": "hard_bounce", "_id": "md-1", "ts": 1795000000, "msg": {"email": email}}]
    )
    url = "http://testserver/newsletter/anymail/mandrill/"
    mac = hmac.new(b"mandrill-key", (url + "mandrill_events" + events).encode(), hashlib.sha1)
    headers = {"HTTP_X_MANDRILL_SIGNATURE": base64.b64encode(mac.digest()).decode()}
    return (
        urlencode({"mandrill_events": events}).encode(),
        "application/x-www-form-urlencoded",
        headers,
    )


@pytest.mark.parametrize(
    "path, secret, build",
    [
        (
            "/newsletter/anymail/mailersend/tracking/",
            "MAILERSEND_SIGNING_SECRET",
            mailersend_bounce,
        ),
        ("/newsletter/anymail/mandrill/", "MANDRILL_WEBHOOK_KEY", mandrill_bounce),
    ],
)
def test_a_signed_bounce_counts_and_a_tampered_one_does_not(client, settings, path, secret, build):
    settings.ANYMAIL = {secret: ALL_SECRETS[secret]}
    factories.subscriber(email="victim@example.net", lists=[factories.newsletter()])
    # The signature of a real bounce, on a body naming someone else.
    body, content_type, headers = build("gone@example.net")
    forged, _, _ = build("victim@example.net")
    before = snapshot()
    response = client.post(path, forged, content_type=content_type, **headers)
    assert response.status_code == 400
    assert snapshot() == before
    response = client.post(path, body, content_type=content_type, **headers)
    assert response.status_code == 200, response.content
    assert list(Suppression.objects.values_list("email", flat=True)) == ["gone@example.net"]


# --- Anything, with the right password -----------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["Bounce", "HardBounce", "SpamComplaint", "x\x00@example.net", "\ud800"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=10,
)
POSTMARK_FIELDS = json.loads(postmark_bounce("reader@example.net"))


@st.composite
def postmark_bodies(draw) -> bytes:
    event = dict(POSTMARK_FIELDS)
    for key in draw(st.sets(st.sampled_from(sorted(event)), max_size=3)):
        event[key] = draw(json_values)
    return json.dumps(event).encode()


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=postmark_bodies() | json_values.map(lambda v: json.dumps(v).encode()))
def test_anything_posted_with_the_password_gets_no_5xx(client, settings, body):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC}
    for path in ("/newsletter/anymail/postmark/tracking/", "/newsletter/anymail/postmark/inbound/"):
        response = client.post(path, body, content_type="application/json", **auth())
        assert response.status_code in (200, 400), (path, body[:200], response.content[:200])


def test_a_signature_only_setup_still_refuses_unsigned_posts(client, settings, reader):
    """Mailtrap may sign instead of using basic auth: with only its key set, its endpoint is
    on, and an unsigned post is refused (were the key's setting name to change in anymail,
    this is the test that notices the endpoint opening)."""
    settings.ANYMAIL = {"MAILTRAP_TRACKING_SECRET": "mailtrap-secret"}
    path = "/newsletter/anymail/mailtrap/tracking/"
    body = json.dumps(
        {
            "events": [
                {
                    "event": "bounce",
                    "email": reader.email,
                    "timestamp": 1795000000,
                    "message_id": "m1",
                }
            ]
        }
    ).encode()
    before = snapshot()
    for headers in ({}, {"HTTP_MAILTRAP_SIGNATURE": "00"}):
        response = client.post(path, body, content_type="application/json", **headers)
        assert response.status_code == 400
    assert snapshot() == before
    signed = hmac.new(b"mailtrap-secret", body, hashlib.sha256).hexdigest()
    response = client.post(
        path, body, content_type="application/json", HTTP_MAILTRAP_SIGNATURE=signed
    )
    assert response.status_code == 200, response.content
    assert Suppression.objects.get().email == reader.email
