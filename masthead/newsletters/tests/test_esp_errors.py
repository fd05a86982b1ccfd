"""An ESP's API errors are classified by whether the request can have reached the service.

django-anymail's real Postmark backend posts to a real HTTP server on 127.0.0.1 that
misbehaves on purpose; what the ledger says afterwards is what an editor would see:

- the request never left (refused, DNS, TLS): back in the queue, sent again;
- it left but no usable answer came (read timeout, reset, HTTP 5xx): *unconfirmed*, never
  sent again automatically (a second copy is possible otherwise);
- refused by the service: HTTP 4xx → failed; 429 → deferred and retried later.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from anymail.exceptions import AnymailRequestsAPIError

from masthead.newsletters.email.message import Personal
from masthead.newsletters.email.transport import (
    NOT_HANDED,
    UNKNOWN,
    BackendTransport,
    Message,
    backend_error_outcome,
)
from masthead.newsletters.models import Delivery, Edition
from masthead.newsletters.services import sending
from masthead.newsletters.tests import factories
from masthead.newsletters.tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


class _Api(BaseHTTPRequestHandler):
    mode = "ok"
    requests_seen = 0

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).requests_seen += 1
        mode = type(self).mode
        if mode == "hang":
            time.sleep(1.5)
            return
        if mode == "reset":
            # RST instead of an answer: the request was read.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        status = 200 if mode == "ok" else int(mode)
        body = (
            {"ErrorCode": 0, "Message": "OK", "MessageID": "m-1", "To": "reader@example.net"}
            if status == 200
            else {"ErrorCode": 1, "Message": "no"}
        )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _send_one(settings, api_url: str) -> Delivery:
    settings.MAILERS = {
        **settings.MAILERS,
        "newsletters": {
            "BACKEND": "anymail.backends.postmark.EmailBackend",
            "OPTIONS": {"server_token": "test", "api_url": api_url, "requests_timeout": 0.5},
        },
    }
    weekly = factories.newsletter()
    factories.subscriber(email="reader@example.net", lists=[weekly])
    edition = factories.edition(newsletter=weekly)
    Edition.objects.filter(pk=edition.pk).update(status="sending")
    edition = Edition.objects.select_related("newsletter").get(pk=edition.pk)
    sending.ledger_fill(edition=edition)
    ledger = sending.Ledger(edition=edition, worker=sending.worker_id())
    [row] = ledger.claim(1)
    transport = BackendTransport(
        alias="newsletters",
        template=sending._edition_template(edition),
        envelope_sender=edition.newsletter.sender_email,
    )
    personal = Personal(to=row[2], message_id="<m@t>", token="t")
    try:
        outcomes = transport.send_group([Message(row[0], row[2], personal)], ledger)
    finally:
        transport.close()
    ledger.record(outcomes, {row[0]: row[2]})
    ledger.sync()
    return Delivery.objects.get(pk=row[0])


@pytest.mark.parametrize(
    ("mode", "status"),
    [
        ("ok", "sent"),
        ("hang", "unconfirmed"),  # ReadTimeout: sent, no answer
        ("reset", "unconfirmed"),  # connection reset after the request
        ("500", "unconfirmed"),
        ("503", "unconfirmed"),
        ("400", "failed"),
        ("429", "deferred"),
        ("401", "deferred"),
    ],
)
def test_an_answer_or_its_absence_decides_the_ledger(settings, api, mode, status):
    _Api.mode = mode
    before = _Api.requests_seen
    delivery = _send_one(settings, api)
    assert _Api.requests_seen == before + 1  # the request did reach the service
    assert delivery.status == status, delivery.detail


def test_a_refused_connection_puts_the_message_back_in_the_queue(settings):
    delivery = _send_one(settings, f"http://127.0.0.1:{free_port()}/")
    assert delivery.status == "pending", delivery.detail
    assert "Connection" in delivery.detail or "refused" in delivery.detail


def test_a_tls_handshake_failure_puts_the_message_back_in_the_queue(settings, api):
    _Api.mode = "ok"
    before = _Api.requests_seen
    delivery = _send_one(settings, api.replace("http://", "https://"))
    assert delivery.status == "pending", delivery.detail
    assert _Api.requests_seen == before  # nothing was posted


def test_an_unresolvable_host_puts_the_message_back_in_the_queue(settings):
    delivery = _send_one(settings, "http://esp.invalid/")
    assert delivery.status == "pending", delivery.detail


def _as_anymail_raises(err: requests.RequestException) -> AnymailRequestsAPIError:
    """The exception anymail raises for a requests error: a class that is both, raised from
    it (``anymail.backends.base_requests.post_to_esp``)."""
    both = type("AnymailRequestsAPIError", (AnymailRequestsAPIError, type(err)), {})
    try:
        raise both("Error posting to the ESP") from err
    except AnymailRequestsAPIError as exc:
        return exc


def test_a_connect_timeout_is_not_handed_over_and_a_read_timeout_is_unknown():
    # A connect timeout cannot be produced reliably on a loopback-only machine.
    connect = _as_anymail_raises(requests.exceptions.ConnectTimeout("connect timed out"))
    read = _as_anymail_raises(requests.exceptions.ReadTimeout("read timed out"))
    assert backend_error_outcome(delivery_id=1, exc=connect).kind == NOT_HANDED
    assert backend_error_outcome(delivery_id=1, exc=read).kind == UNKNOWN
