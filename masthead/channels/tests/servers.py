"""Local servers that answer like Telegram's Bot API, Mastodon and a Bluesky PDS, and record
what they receive. Each runs in a thread on 127.0.0.1 and is stopped at the end of its test.

They check what the real services check where a mistake of ours would show (credentials,
the 4,096/1,024, 500 and 300-character limits, HTML that Telegram's parser would refuse,
link facets at the right bytes) and keep the real services' promises the ledger relies on:
Mastodon answers a repeated Idempotency-Key with the status it made; a Bluesky PDS finds a
record by its key. Faults are scripted per endpoint (``fail_next``): an error status, an
answer lost after the post was made (``drop``), or a request held until the test lets it go
(``hold``: the test kills the worker meanwhile).
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import html.parser
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TELEGRAM_TOKEN = "123456:TEST-token"
TELEGRAM_CHAT = "@testcourier"
MASTODON_TOKEN = "mastodon-test-token"
BLUESKY_HANDLE = "courier.test"
BLUESKY_PASSWORD = "abcd-efgh-ijkl-mnop"
BLUESKY_DID = "did:plc:testcourier0000000000000"
# The Russian edition's own accounts: another channel of the same bot, an account on another
# Mastodon instance, another account on the same PDS.
TELEGRAM_CHAT_RU = "@testcourier_ru"
MASTODON_TOKEN_RU = "mastodon-test-token-ru"
BLUESKY_HANDLE_RU = "ru.courier.test"
BLUESKY_PASSWORD_RU = "qrst-uvwx-yzab-cdef"
BLUESKY_DID_RU = "did:plc:testcourierru00000000000"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str  # "status", "drop" or "hold"
    status: int = 500
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)  # "hold": it came
    release: threading.Event = field(default_factory=threading.Event)  # "hold": answer now


class Service:
    """One fake service: subclasses implement ``answer(request) -> (status, body, headers)``."""

    def __init__(self):
        self.received: list[Received] = []
        self.faults: dict[str, list[Fault]] = {}
        self.lock = threading.Lock()
        self.all_faults: list[Fault] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                service._handle(self)

            def do_POST(self):
                service._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        for fault in self.all_faults:
            fault.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def fail_next(self, endpoint: str, *faults: Fault) -> None:
        with self.lock:
            self.faults.setdefault(endpoint, []).extend(faults)
            self.all_faults.extend(faults)

    def requests_to(self, endpoint: str) -> list[Received]:
        return [r for r in self.received if urlsplit(r.path).path.endswith(endpoint)]

    # --- Plumbing ---

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        request = Received(
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
        )
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json") and body:
            request.json = json.loads(body)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            request.form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        elif content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if part.get_filename():
                    request.files[name] = part.get_payload(decode=True)
                else:
                    request.form[name] = part.get_payload(decode=True).decode()
        endpoint = urlsplit(request.path).path.rsplit("/", 1)[-1]
        with self.lock:
            self.received.append(request)
            queue = self.faults.get(endpoint) or []
            fault = queue.pop(0) if queue else None
        if fault and fault.kind == "status":
            self._reply(handler, fault.status, fault.body or {}, fault.headers)
            return
        status, answer, headers = self.answer(request)
        if fault and fault.kind == "drop":
            handler.close_connection = True  # the post is made; its answer never leaves
            return
        if fault and fault.kind == "hold":
            fault.arrived.set()
            fault.release.wait(timeout=60)
        with contextlib.suppress(OSError):  # the client may be gone (a killed worker)
            self._reply(handler, status, answer, headers)

    @staticmethod
    def _reply(handler, status: int, body: dict, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def answer(self, request: Received) -> tuple[int, dict, dict]:
        raise NotImplementedError


# --- Telegram --------------------------------------------------------------------------------


class _TelegramHTML(html.parser.HTMLParser):
    """Telegram's HTML parse mode: only its tags, balanced; text characters counted."""

    ALLOWED = {"b", "strong", "i", "em", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = ""
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.errors.append(f"Unsupported start tag {tag!r}")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"Unmatched end tag {tag!r}")

    def handle_data(self, data):
        self.text += data


def telegram_text(markup: str) -> tuple[str, list[str]]:
    """The text a reader sees, and what Telegram's parser would refuse."""
    parser = _TelegramHTML()
    parser.feed(markup)
    parser.close()
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)", markup):
        parser.errors.append("Unescaped &")
    if parser.stack:
        parser.errors.append(f"Unclosed {parser.stack}")
    return parser.text, parser.errors


class TelegramServer(Service):
    def __init__(self):
        super().__init__()
        self.messages: list[dict] = []  # what the channels show, in order
        # The channels the bot administers: chat id → public username.
        self.chats = {TELEGRAM_CHAT: "testcourier", TELEGRAM_CHAT_RU: "testcourier_ru"}

    def answer(self, request):
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", urlsplit(request.path).path)
        if not match or match.group(1) != TELEGRAM_TOKEN:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, {}
        method = match.group(2)
        params = request.json if request.json is not None else request.form
        chat_id = str(params.get("chat_id"))
        if chat_id not in self.chats:
            return 400, _tg_error(400, "Bad Request: chat not found"), {}
        if method == "sendMessage":
            markup, limit, kind = params.get("text", ""), 4096, "text"
        elif method == "sendPhoto":
            if "photo" not in request.files:
                return 400, _tg_error(400, "Bad Request: there is no photo in the request"), {}
            markup, limit, kind = params.get("caption", ""), 1024, "caption"
        else:
            return 404, _tg_error(404, "Not Found"), {}
        if params.get("parse_mode") != "HTML":
            return 400, _tg_error(400, "Bad Request: expected parse_mode HTML in this test"), {}
        text, errors = telegram_text(markup)
        if errors:
            return 400, _tg_error(400, f"Bad Request: can't parse entities: {errors[0]}"), {}
        if len(text.encode("utf-16-le")) // 2 > limit:
            return 400, _tg_error(400, f"Bad Request: message {kind} is too long"), {}
        with self.lock:
            message_id = len(self.messages) + 1
            self.messages.append(
                {
                    "id": message_id,
                    "method": method,
                    "markup": markup,
                    "text": text,
                    "chat": chat_id,
                }
            )
        chat = {"id": -1001234567890, "title": "Test Courier", "username": self.chats[chat_id]}
        return 200, {"ok": True, "result": {"message_id": message_id, "chat": chat}}, {}


def _tg_error(code: int, description: str, **extra) -> dict:
    return {"ok": False, "error_code": code, "description": description, **extra}


def telegram_429(retry_after: int) -> Fault:
    return Fault(
        "status",
        429,
        _tg_error(
            429,
            f"Too Many Requests: retry after {retry_after}",
            parameters={"retry_after": retry_after},
        ),
    )


# --- Mastodon --------------------------------------------------------------------------------


class MastodonServer(Service):
    """One instance, with one account (``token``'s)."""

    def __init__(self, token: str = MASTODON_TOKEN):
        super().__init__()
        self.token = token
        self.statuses: list[dict] = []
        self.by_key: dict[str, dict] = {}

    def answer(self, request):
        if urlsplit(request.path).path != "/api/v1/statuses" or request.method != "POST":
            return 404, {"error": "Record not found"}, {}
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return 401, {"error": "The access token is invalid"}, {}
        params = request.json if request.json is not None else request.form
        text = params.get("status", "")
        if len(re.sub(r"https?://\S+", "x" * 23, text)) > 500:
            return 422, {"error": "Validation failed: Text character limit of 500 exceeded"}, {}
        key = request.headers.get("idempotency-key")
        with self.lock:
            if key and key in self.by_key:
                return 200, self.by_key[key], {}
            status_id = str(110000 + len(self.statuses))
            status = {
                "id": status_id,
                "uri": f"{self.url}/users/courier/statuses/{status_id}",
                "url": f"{self.url}/@courier/{status_id}",
                "text": text,
                "visibility": params.get("visibility"),
                "language": params.get("language"),
            }
            self.statuses.append(status)
            if key:
                self.by_key[key] = status
        return 200, status, {}


# --- Bluesky ---------------------------------------------------------------------------------


class BlueskyServer(Service):
    def __init__(self):
        super().__init__()
        self.records: dict[str, dict] = {}  # rkey -> record
        self.repos: dict[str, str] = {}  # rkey -> the DID of the account that made it
        self.blobs: list[bytes] = []
        self.sessions = 0
        # handle → (app password, DID) of the accounts on this PDS
        self.accounts = {
            BLUESKY_HANDLE: (BLUESKY_PASSWORD, BLUESKY_DID),
            BLUESKY_HANDLE_RU: (BLUESKY_PASSWORD_RU, BLUESKY_DID_RU),
        }
        self.tokens: dict[str, str] = {}  # access token → DID

    def answer(self, request):
        method = urlsplit(request.path).path.removeprefix("/xrpc/")
        if method == "com.atproto.server.createSession":
            body = request.json or {}
            password, did = self.accounts.get(body.get("identifier"), (None, None))
            if password is None or body.get("password") != password:
                return (
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                    {},
                )
            with self.lock:
                self.sessions += 1
                token = f"access-{self.sessions}"
                self.tokens[token] = did
            return (
                200,
                {
                    "accessJwt": token,
                    "refreshJwt": "r",
                    "handle": body["identifier"],
                    "did": did,
                },
                {},
            )
        session_did = self.tokens.get(
            request.headers.get("authorization", "").removeprefix("Bearer ")
        )
        if session_did is None:
            return (
                401,
                {"error": "AuthenticationRequired", "message": "Authentication Required"},
                {},
            )
        if method == "com.atproto.repo.uploadBlob":
            with self.lock:
                self.blobs.append(request.body)
                ref = f"bafkreitestblob{len(self.blobs)}"
            blob = {
                "$type": "blob",
                "ref": {"$link": ref},
                "mimeType": request.headers.get("content-type"),
                "size": len(request.body),
            }
            return 200, {"blob": blob}, {}
        if method == "com.atproto.repo.getRecord":
            query = {k: v[-1] for k, v in parse_qs(urlsplit(request.path).query).items()}
            rkey = query.get("rkey", "")
            record = self.records.get(rkey)
            if record is None or query.get("repo") != self.repos.get(rkey):
                return 400, {"error": "RecordNotFound", "message": "Could not locate record"}, {}
            answer = {
                "uri": self._uri(self.repos[rkey], rkey),
                "cid": "bafyrecord",
                "value": record,
            }
            return 200, answer, {}
        if method == "com.atproto.repo.createRecord":
            body = request.json or {}
            record = body.get("record") or {}
            problem = self._invalid(body, record, session_did)
            if problem:
                return 400, {"error": "InvalidRequest", "message": problem}, {}
            with self.lock:
                if body["rkey"] in self.records:
                    return 400, {"error": "InvalidRequest", "message": "Record already exists"}, {}
                self.records[body["rkey"]] = record
                self.repos[body["rkey"]] = session_did
            return 200, {"uri": self._uri(session_did, body["rkey"]), "cid": "bafyrecord"}, {}
        return 404, {"error": "MethodNotImplemented", "message": method}, {}

    @staticmethod
    def _uri(did: str, rkey: str) -> str:
        return f"at://{did}/app.bsky.feed.post/{rkey}"

    @staticmethod
    def _invalid(body: dict, record: dict, did: str) -> str:
        if body.get("repo") != did or body.get("collection") != "app.bsky.feed.post":
            return "Wrong repo or collection"
        if not re.fullmatch(r"[234567a-z]{13}", body.get("rkey", "")):
            return "Invalid record key: expected a TID"
        if record.get("$type") != "app.bsky.feed.post" or not record.get("createdAt"):
            return "Record/$type must be app.bsky.feed.post, with createdAt"
        text = record.get("text", "")
        if len(text) > 300 or len(text.encode()) > 3000:
            return "Record/text must not be longer than 300 graphemes"
        encoded = text.encode()
        for facet in record.get("facets", []):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            uri = facet["features"][0]["uri"]
            if encoded[start:end].decode() != uri:
                return "Facet does not cover its link"
        return ""
