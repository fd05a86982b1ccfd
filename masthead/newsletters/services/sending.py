"""The send engine: an edition to every confirmed subscriber, exactly once, resumable.

The ledger (``Delivery``) holds one row per recipient of an edition; a unique constraint
keeps it that way. A row moves through::

    pending ─claim─► claimed ─body on the wire─► sending ─250─► sent
       ▲                │                           │
       └── released ────┘ (worker died, or          └─ worker died before the answer was
           connection failed before the message        recorded ─► unconfirmed (not resent)
           was complete: nothing was delivered)
    claimed/sending ─4xx─► deferred ─backoff─► claimed …   ─5xx─► failed (address suppressed
                                                                  when refused at RCPT)
    pending ─reader left / address suppressed─► skipped

**The guarantee.** A message becomes deliverable only when the SMTP server receives the
final ``.`` of ``DATA``. The engine writes the bodies of the messages in flight (one per
connection), then records them as ``sending`` in one committed statement guarded by the
claim, then immediately writes their final dots.

- Killed before the ``sending`` record commits: each server holds an unfinished message and
  discards it when the connection drops. The rows are still ``claimed``; they are released
  and sent once, later.
- Killed after the dots: the servers have (or will have) the messages. The rows say
  ``sending``; on resume they become ``unconfirmed`` and are **not** sent again.
- Killed in between — after the ``sending`` record commits, before every dot has left the
  process: those recipients are recorded as handed over but their servers never got the end
  of the message. This is the one window that two independent systems (database, SMTP
  server) cannot close: tens of microseconds per group of messages. Those recipients miss
  this edition; nobody ever gets two copies. The admin counts them among "unconfirmed"
  (with the rows that were delivered, which it cannot tell apart) and offers an editor to
  send to those again, accepting a possible second copy.

So: never two copies from the engine; one copy to everyone, except that a crash landing in
that window costs at most one message per connection.

On PostgreSQL the engine's own session commits with ``synchronous_commit = off``: the
ledger's writes are not flushed to disk one by one. A worker crash loses nothing (the
database server has them); a crash of the *database server* can lose the last fraction of a
second of ledger writes, and those recipients would be sent again after recovery.

A worker that is slow rather than dead loses nothing either: marking ``sending`` is an
update guarded by ``claimed_by``; if its claim was released and taken by another worker,
the update matches no row and the connection is dropped instead of finishing the message.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from masthead.core import page_cache
from masthead.newsletters import signals, tokens
from masthead.newsletters.email import render
from masthead.newsletters.email.message import (
    DkimSigner,
    MessageTemplate,
    Personal,
    default_unsubscribe_mailto,
)
from masthead.newsletters.email.transport import (
    NOT_HANDED,
    PERMANENT,
    SENT,
    TEMPORARY,
    UNKNOWN,
    Job,
    Outcome,
    transport_for,
)
from masthead.newsletters.models import (
    AuditEntry,
    Delivery,
    Edition,
    Subscriber,
    Subscription,
    Suppression,
)
from masthead.newsletters.services.audit import audit_record
from masthead.newsletters.services.suppressions import suppression_add

logger = logging.getLogger(__name__)

S = Delivery.Status
OPEN_STATES = (S.PENDING, S.CLAIMED, S.SENDING, S.DEFERRED)
HOST = socket.gethostname()[:40]


def worker_label() -> str:
    """Who claims rows: host, process and a random tag (a reused pid is a new worker)."""
    return f"{HOST}:{os.getpid()}:{secrets.token_hex(3)}"


def _owner_is_dead(label: str) -> bool:
    """True when ``label`` names a worker on this machine whose process is gone."""
    host, _, rest = label.partition(":")
    pid_text, _, _tag = rest.partition(":")
    if host != HOST or not pid_text.isdigit():
        return False  # another machine: its lease decides
    pid = int(pid_text)
    if pid == os.getpid():
        return label not in _own_labels
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


_own_labels: set[str] = set()


# --- Starting a send --------------------------------------------------------------------------


def edition_send_start(*, edition: Edition, actor=None) -> Edition:
    """Mark the edition as sending and hand it to the workers. Idempotent."""
    from masthead.newsletters.tasks import edition_send

    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status in (Edition.Status.SENDING, Edition.Status.SENT):
            return edition
        if not edition.edition_articles.exists():
            raise ValueError("An edition needs at least one article before it can be sent.")
        edition.status = Edition.Status.SENDING
        edition.send_started_at = timezone.now()
        edition.save(update_fields=["status", "send_started_at"])
        audit_record(
            action=AuditEntry.Action.EDITION_SEND_STARTED,
            actor=actor,
            edition=edition,
            newsletter=edition.newsletter,
        )
        edition_id = edition.pk

        def enqueue():
            for _ in range(settings.NEWSLETTER_SEND_TASKS):
                edition_send.enqueue(edition_id=edition_id)

        transaction.on_commit(enqueue)
    return edition


def ledger_fill(*, edition: Edition) -> int:
    """Write a ledger row for every confirmed, unsuppressed subscriber. Safe to repeat: one
    INSERT … SELECT that skips rows already there (the unique constraint)."""
    if edition.ledger_complete:
        return edition.recipients_total
    q = connection.ops.quote_name
    delivery = q(Delivery._meta.db_table)
    subscription = q(Subscription._meta.db_table)
    subscriber = q(Subscriber._meta.db_table)
    suppression = q(Suppression._meta.db_table)
    sql = (
        f"INSERT INTO {delivery} (edition_id, subscriber_id, status, attempts, claimed_by, detail) "  # noqa: S608 - our tables; values are parameters
        f"SELECT %s, s.subscriber_id, %s, 0, '', '' FROM {subscription} s "
        f"JOIN {subscriber} r ON r.id = s.subscriber_id "
        f"WHERE s.newsletter_id = %s AND s.status = %s "
        f"AND NOT EXISTS (SELECT 1 FROM {suppression} x WHERE x.email = r.email) "
        f"ORDER BY s.subscriber_id "
        f"ON CONFLICT (edition_id, subscriber_id) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            sql,
            [edition.pk, S.PENDING, edition.newsletter_id, Subscription.Status.CONFIRMED],
        )
    total = Delivery.objects.filter(edition=edition).count()
    Edition.objects.filter(pk=edition.pk).update(ledger_complete=True, recipients_total=total)
    edition.ledger_complete, edition.recipients_total = True, total
    return total


# --- The ledger, row by row -------------------------------------------------------------------


class Ledger:
    """The ledger statements on the hot path, as plain SQL (one round trip each)."""

    def __init__(self, *, edition: Edition, worker: str):
        self.edition = edition
        self.worker = worker
        self.table = connection.ops.quote_name(Delivery._meta.db_table)

    def handed_over(self, delivery_ids: list[int]) -> set[int]:
        """Record that these messages are complete on the wire, in one committed statement;
        return the ids this worker may finish (all of them, unless a claim was lost).

        On PostgreSQL, while the claim's lease has a safe margin left (no other worker may
        take the rows over before it ends), the statement is sent without waiting for its
        answer, and ``after_hand_over`` collects it once the dots are out: the window between
        "recorded" and "sent" shrinks from a database round trip (plus the wait to be
        scheduled again on a busy machine) to the few system calls that write the dots.
        """
        self.sync()
        if self._may_pipeline():
            self._pipelined = list(delivery_ids)
            self._pipeline_send(
                f"UPDATE {self.table} SET status = $1 "  # noqa: S608 - our table; values are parameters
                f"WHERE id = ANY($2::bigint[]) AND status = $3 AND claimed_by = $4",
                [S.SENDING, _pg_array(delivery_ids), S.CLAIMED, self.worker],
            )
            return set(delivery_ids)
        placeholders = ", ".join(["%s"] * len(delivery_ids))
        sql = (
            f"UPDATE {self.table} SET status = %s "  # noqa: S608 - our table; values are parameters
            f"WHERE id IN ({placeholders}) AND status = %s AND claimed_by = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [S.SENDING, *delivery_ids, S.CLAIMED, self.worker])
            if cursor.rowcount == len(delivery_ids):
                return set(delivery_ids)
        return set(
            Delivery.objects.filter(
                id__in=delivery_ids, status=S.SENDING, claimed_by=self.worker
            ).values_list("id", flat=True)
        )

    def after_hand_over(self) -> None:
        """Collect the answer of a pipelined ``handed_over`` (no-op otherwise)."""
        ids, self._pipelined = self._pipelined, None
        if ids is None:
            return
        updated = self._pipeline_collect()
        if updated != len(ids):
            # Cannot happen while the lease holds; if it does, record what was done.
            logger.error(
                "Edition %s: hand-over recorded %s of %s rows", self.edition.pk, updated, len(ids)
            )
            Delivery.objects.filter(id__in=ids, claimed_by=self.worker, status=S.CLAIMED).update(
                status=S.SENDING
            )

    _pipelined: list[int] | None = None
    lease_until = None
    LEASE_MARGIN = timedelta(seconds=30)

    def _may_pipeline(self) -> bool:
        return (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and self.lease_until is not None
            and self.lease_until - timezone.now() > self.LEASE_MARGIN
            and hasattr(connection.connection, "pgconn")
        )

    def _pipeline_send(self, sql: str, params: list[str]) -> None:
        connection.connection.pgconn.send_query_params(
            sql.encode(), [value.encode() for value in params]
        )

    _unanswered = False  # a pipelined "sent" record whose answer has not been read yet

    def sync(self) -> None:
        """Read the answer of a pipelined statement. Called before the connection is used
        for anything else (libpq carries one statement at a time outside pipeline mode)."""
        if self._unanswered:
            self._unanswered = False
            self._pipeline_collect()

    def _pipeline_collect(self) -> int:
        from psycopg import pq

        pgconn = connection.connection.pgconn
        updated = 0
        while (result := pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                message = (result.error_message or b"").decode(errors="replace")
                raise RuntimeError(f"recording the hand-over failed: {message}")
            updated += result.command_tuples or 0
        return updated

    def release_abandoned(self) -> int:
        """Rows held by workers that died (same machine) or whose lease ran out."""
        self.sync()
        now = timezone.now()
        held = Delivery.objects.filter(edition=self.edition, status__in=[S.CLAIMED, S.SENDING])
        owners = set(held.values_list("claimed_by", flat=True).distinct())
        dead = [o for o in owners if o != self.worker and _owner_is_dead(o)]
        gone = Q(claimed_by__in=dead) | Q(lease_until__lt=now)
        gone &= ~Q(claimed_by=self.worker)
        with transaction.atomic():
            released = held.filter(gone, status=S.CLAIMED).update(
                status=S.PENDING, claimed_by="", lease_until=None
            )
            doubtful = held.filter(gone, status=S.SENDING).update(
                status=S.UNCONFIRMED,
                detail="The worker stopped after handing the message over; not sent again.",
            )
        if released or doubtful:
            logger.warning(
                "Edition %s: released %s claimed rows of stopped workers; %s unconfirmed",
                self.edition.pk,
                released,
                doubtful,
            )
        return released + doubtful

    def claim(self, limit: int) -> list[tuple[int, int, str, str, bool]]:
        """Up to ``limit`` rows for this worker, in id order: (delivery id, subscriber id,
        email, key, still eligible). Eligible means still confirmed on the list and not
        suppressed, read at claim time: leaving works mid-send.

        Three plain statements per batch, however large: waiting rows first, then deferred
        rows whose retry is due; on PostgreSQL each worker takes rows the others have not
        locked (``SKIP LOCKED``), so several workers share one send.
        """
        self.sync()
        now = timezone.now()
        self.lease_until = now + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
        adapt = connection.ops.adapt_datetimefield_value
        lock = (
            " FOR UPDATE SKIP LOCKED"
            if connection.features.has_select_for_update_skip_locked
            else ""
        )
        q = connection.ops.quote_name
        subscriber = q(Subscriber._meta.db_table)
        subscription = q(Subscription._meta.db_table)
        suppression = q(Suppression._meta.db_table)
        claimed = 0
        with connection.cursor() as cursor:
            for condition, params in (
                ("status = %s", [S.PENDING]),
                ("status = %s AND next_attempt_at <= %s", [S.DEFERRED, adapt(now)]),
            ):
                cursor.execute(
                    f"UPDATE {self.table} SET status = %s, claimed_by = %s, lease_until = %s, "  # noqa: S608 - our tables; values are parameters
                    f"attempts = attempts + 1 WHERE id IN (SELECT id FROM {self.table} "
                    f"WHERE edition_id = %s AND {condition} ORDER BY id LIMIT %s{lock})",
                    [
                        S.CLAIMED,
                        self.worker,
                        adapt(self.lease_until),
                        self.edition.pk,
                        *params,
                        limit - claimed,
                    ],
                )
                claimed += cursor.rowcount
                if claimed >= limit:
                    break
            if not claimed:
                return []
            # Rows this worker holds as "claimed" are exactly this batch: the previous one's
            # leftovers went back to the queue before this claim.
            cursor.execute(
                f"SELECT d.id, d.subscriber_id, r.email, r.{q('key')}, s.status, "  # noqa: S608 - our tables; values are parameters
                f"EXISTS (SELECT 1 FROM {suppression} x WHERE x.email = r.email) "
                f"FROM {self.table} d JOIN {subscriber} r ON r.id = d.subscriber_id "
                f"LEFT JOIN {subscription} s "
                f"ON s.subscriber_id = d.subscriber_id AND s.newsletter_id = %s "
                f"WHERE d.edition_id = %s AND d.status = %s AND d.claimed_by = %s ORDER BY d.id",
                [self.edition.newsletter_id, self.edition.pk, S.CLAIMED, self.worker],
            )
            return [
                (
                    delivery_id,
                    subscriber_id,
                    email,
                    key,
                    status == Subscription.Status.CONFIRMED and not suppressed,
                )
                for delivery_id, subscriber_id, email, key, status, suppressed in cursor.fetchall()
            ]

    def skip(self, delivery_ids: list[int]) -> None:
        self.sync()
        if delivery_ids:
            Delivery.objects.filter(id__in=delivery_ids, claimed_by=self.worker).update(
                status=S.SKIPPED, detail="left the list or suppressed before sending"
            )

    def _mark_sent(self, delivery_ids: list[int], now) -> None:
        """The common outcome, on the hot path: one plain statement, no query building.

        On PostgreSQL it is sent without waiting for the answer, which ``sync`` reads before
        the next statement: the server records it while this process prepares the next
        group. Nothing depends on its answer; a worker killed before the server has it
        leaves those rows ``sending``, and they become ``unconfirmed`` (not sent again).
        """
        if self._may_pipeline():
            self._pipeline_send(
                f"UPDATE {self.table} SET status = $1, sent_at = $2, lease_until = NULL, "  # noqa: S608 - our table; values are parameters
                f"detail = '' WHERE id = ANY($3::bigint[]) AND status = $4 AND claimed_by = $5",
                [S.SENT, now.isoformat(), _pg_array(delivery_ids), S.SENDING, self.worker],
            )
            self._unanswered = True
            return
        placeholders = ", ".join(["%s"] * len(delivery_ids))
        sql = (
            f"UPDATE {self.table} SET status = %s, sent_at = %s, lease_until = NULL, detail = '' "  # noqa: S608 - our table; values are parameters
            f"WHERE id IN ({placeholders}) AND status = %s AND claimed_by = %s"
        )
        sent_at = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(sql, [S.SENT, sent_at, *delivery_ids, S.SENDING, self.worker])

    def record(self, outcomes: list[Outcome], emails: dict[int, str]) -> dict[str, int]:
        """Write the outcome of a group of messages."""
        now = timezone.now()
        counts: dict[str, int] = {}
        by_kind: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            by_kind.setdefault(outcome.kind, []).append(outcome)
            counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
        if SENT in by_kind:
            self._mark_sent([o.delivery_id for o in by_kind[SENT]], now)
        if len(by_kind) == (SENT in by_kind):
            return counts  # every message accepted: the usual case
        self.sync()
        mine = Delivery.objects.filter(claimed_by=self.worker)
        for outcome in by_kind.get(UNKNOWN, []):
            mine.filter(id=outcome.delivery_id, status=S.SENDING).update(
                status=S.UNCONFIRMED, detail=outcome.detail
            )
        for outcome in by_kind.get(NOT_HANDED, []):
            # Nothing was delivered: back in the queue at once.
            mine.filter(id=outcome.delivery_id, status=S.CLAIMED).update(
                status=S.PENDING, claimed_by="", lease_until=None, detail=outcome.detail
            )
        delays = settings.NEWSLETTER_RETRY_DELAYS
        for outcome in by_kind.get(TEMPORARY, []):
            row = mine.filter(id=outcome.delivery_id).values_list("attempts", flat=True).first()
            if row is None:
                continue
            if row > len(delays):
                mine.filter(id=outcome.delivery_id).update(
                    status=S.FAILED, detail=f"gave up after {row} attempts: {outcome.detail}"[:300]
                )
            else:
                mine.filter(id=outcome.delivery_id).update(
                    status=S.DEFERRED,
                    next_attempt_at=now + timedelta(seconds=delays[row - 1]),
                    claimed_by="",
                    lease_until=None,
                    detail=outcome.detail,
                )
        for outcome in by_kind.get(PERMANENT, []):
            mine.filter(id=outcome.delivery_id).update(status=S.FAILED, detail=outcome.detail)
            if outcome.suppress and outcome.delivery_id in emails:
                suppression_add(
                    email=emails[outcome.delivery_id],
                    reason=Suppression.Reason.BOUNCED,
                    detail=outcome.detail,
                )
        return counts


def _pg_array(ids: list[int]) -> str:
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


# --- Running a send ---------------------------------------------------------------------------


def asynchronous_commit(on: bool) -> None:
    """PostgreSQL only: see the module docstring."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")


@dataclass
class RunReport:
    edition_id: int
    worker: str
    sent: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    finished: bool = False
    seconds: float = 0.0


class _Pacer:
    """At most ``rate`` messages per second (0: as fast as the server takes them)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate else 0.0
        self.next_at = time.monotonic()

    def wait(self, count: int) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next_at > now:
            time.sleep(self.next_at - now)
        self.next_at = max(self.next_at, now) + count * self.interval


def _edition_template(edition: Edition) -> MessageTemplate:
    rendered = render.edition_render(edition=edition)
    return MessageTemplate(
        rendered,
        sender_name=edition.newsletter.sender_name,
        unsubscribe_mailto=default_unsubscribe_mailto(edition.newsletter.sender_email),
        dkim_signer=DkimSigner.from_settings(),
    )


def _backend_message(template: MessageTemplate, personal: Personal, html: str, text: str):
    message = EmailMultiAlternatives(
        subject=template.rendered.subject,
        body=text,
        from_email=template.rendered.from_email,
        to=[personal.to],
        headers=template.headers_for_backend(personal),
    )
    message.attach_alternative(html, "text/html")
    # django-anymail: no open pixel, no click redirects, and a way back to the ledger row.
    message.track_opens = False
    message.track_clicks = False
    message.metadata = {"message_id": personal.message_id}
    return message


def edition_send_run(
    *,
    edition_id: int,
    progress: Callable[[int, int], None] | None = None,
    max_seconds: float | None = None,
) -> RunReport:
    """Send what is left of an edition from this process. Any number may run at once."""
    started = time.monotonic()
    worker = worker_label()
    _own_labels.add(worker)
    report = RunReport(edition_id=edition_id, worker=worker)
    edition = Edition.objects.select_related("newsletter").get(pk=edition_id)
    if edition.status != Edition.Status.SENDING:
        return report
    ledger_fill(edition=edition)
    ledger = Ledger(edition=edition, worker=worker)
    ledger.release_abandoned()
    template = _edition_template(edition)
    newsletter = edition.newsletter
    transport = transport_for(
        alias=settings.NEWSLETTER_MAILER,
        concurrency=settings.NEWSLETTER_CONCURRENCY,
        envelope_sender=newsletter.sender_email,
    )
    pacer = _Pacer(settings.NEWSLETTER_RATE)
    # A claimed batch must be sent well within its lease, however slow the pace.
    batch = settings.NEWSLETTER_BATCH
    if settings.NEWSLETTER_RATE:
        paced = int(settings.NEWSLETTER_RATE * settings.NEWSLETTER_LEASE_SECONDS / 4)
        batch = max(transport.size, min(batch, paced))
    heartbeat_at = 0.0
    failures_in_a_row = 0
    asynchronous_commit(True)
    try:
        while True:
            if time.monotonic() - heartbeat_at > 2:
                Edition.objects.filter(pk=edition.pk).update(
                    heartbeat_at=timezone.now(), heartbeat_by=worker
                )
                heartbeat_at = time.monotonic()
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            rows = ledger.claim(batch)
            if not rows:
                if ledger.release_abandoned():
                    continue
                break
            ledger.skip([r[0] for r in rows if not r[4]])
            rows = [r for r in rows if r[4]]
            emails = {r[0]: r[2] for r in rows}
            index = 0
            while index < len(rows):
                group = rows[index : index + transport.size]
                index += len(group)
                pacer.wait(len(group))
                jobs = []
                for delivery_id, _subscriber_id, email, key, _eligible in group:
                    personal = Personal(
                        to=email,
                        message_id=template.message_id(
                            edition_id=edition.pk, delivery_id=delivery_id
                        ),
                        token=tokens.list_token_make(
                            subscriber_key=key, newsletter_id=newsletter.pk
                        ),
                    )
                    if hasattr(transport, "sessions"):
                        jobs.append(Job(delivery_id, email, message=template.build(personal)))
                    else:
                        html, text = template.rendered.personalise(personal.token)
                        jobs.append(
                            Job(
                                delivery_id,
                                email,
                                build=lambda p=personal, h=html, t=text: _backend_message(
                                    template, p, h, t
                                ),
                            )
                        )
                outcomes = transport.send(jobs, ledger)
                counts = ledger.record(outcomes, emails)
                for kind, n in counts.items():
                    report.counts[kind] = report.counts.get(kind, 0) + n
                report.sent += counts.get(SENT, 0)
                if counts.get(NOT_HANDED) == len(group) and not counts.get(SENT):
                    failures_in_a_row += 1
                    if failures_in_a_row >= 3:
                        raise ConnectionError("the mail server keeps failing")
                    time.sleep(min(2**failures_in_a_row, 10))
                else:
                    failures_in_a_row = 0
                if progress:
                    progress(report.sent, edition.recipients_total)
            # Rows claimed but not reached (a lost claim or an abort) go back.
            ledger.sync()
            Delivery.objects.filter(
                id__in=[r[0] for r in rows], status=S.CLAIMED, claimed_by=worker
            ).update(status=S.PENDING, claimed_by="", lease_until=None)
    except ConnectionError as exc:
        logger.error("Edition %s: %s; the send resumes later", edition.pk, exc)
        ledger.sync()
        _defer_held(edition=edition, worker=worker, why=str(exc))
    finally:
        try:
            ledger.sync()
        except Exception:  # an error already on its way out must not be masked
            logger.exception("Edition %s: reading the last ledger answer failed", edition.pk)
        asynchronous_commit(False)
        transport.close()
        Edition.objects.filter(pk=edition.pk, heartbeat_by=worker).update(heartbeat_at=None)
        _own_labels.discard(worker)
    report.finished = edition_send_finish(edition=edition)
    report.seconds = time.monotonic() - started
    return report


def _defer_held(*, edition: Edition, worker: str, why: str) -> None:
    retry_at = timezone.now() + timedelta(seconds=settings.NEWSLETTER_RETRY_DELAYS[0])
    Delivery.objects.filter(edition=edition, claimed_by=worker, status=S.CLAIMED).update(
        status=S.DEFERRED, next_attempt_at=retry_at, claimed_by="", lease_until=None, detail=why
    )
    Delivery.objects.filter(edition=edition, status=S.PENDING).update(
        status=S.DEFERRED, next_attempt_at=retry_at, detail=why
    )


def edition_send_finish(*, edition: Edition) -> bool:
    """Mark the edition sent when every recipient has an outcome. One worker records it."""
    if Delivery.objects.filter(edition=edition, status__in=OPEN_STATES).exists():
        return False
    with transaction.atomic():
        finished = Edition.objects.filter(
            pk=edition.pk, status=Edition.Status.SENDING, ledger_complete=True
        ).update(status=Edition.Status.SENT, sent_at=timezone.now())
        if not finished:
            return False
        edition.refresh_from_db()
        audit_record(
            action=AuditEntry.Action.EDITION_SENT,
            edition=edition,
            newsletter=edition.newsletter,
            **edition_counts(edition=edition),
        )
        page_cache.invalidate()  # the archive and the Preview show it now
        transaction.on_commit(lambda: signals.edition_sent.send(Edition, edition=edition))
    return True


def edition_counts(*, edition: Edition) -> dict[str, int]:
    from django.db.models import Count

    rows = Delivery.objects.filter(edition=edition).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def edition_resend_unconfirmed(*, edition: Edition, actor=None) -> int:
    """Send again to recipients whose hand-over was not confirmed (an editor's choice:
    each may receive a second copy)."""
    with transaction.atomic():
        count = Delivery.objects.filter(edition=edition, status=S.UNCONFIRMED).update(
            status=S.PENDING, claimed_by="", lease_until=None, detail="sent again by an editor"
        )
        if not count:
            return 0
        Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENDING, sent_at=None)
        audit_record(
            action=AuditEntry.Action.UNCONFIRMED_RESENT,
            actor=actor,
            edition=edition,
            newsletter=edition.newsletter,
            count=count,
        )
        from masthead.newsletters.tasks import edition_send

        transaction.on_commit(lambda: edition_send.enqueue(edition_id=edition.pk))
    return count


def editions_needing_a_worker() -> list[int]:
    """Sends that are under way but that no live worker is working on (the dispatcher's view)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
    result = []
    for edition in Edition.objects.filter(status=Edition.Status.SENDING):
        alive = (
            edition.heartbeat_at is not None
            and edition.heartbeat_at > stale
            and not _owner_is_dead(edition.heartbeat_by)
        )
        if alive:
            continue
        open_rows = Delivery.objects.filter(edition=edition, status__in=OPEN_STATES)
        if (
            not edition.ledger_complete
            or open_rows.filter(~Q(status=S.DEFERRED) | Q(next_attempt_at__lte=now)).exists()
        ):
            result.append(edition.pk)
        elif not open_rows.exists():
            edition_send_finish(edition=edition)
    return result


def next_retry_at(*, edition: Edition):
    return Delivery.objects.filter(edition=edition, status=S.DEFERRED).aggregate(
        at=Min("next_attempt_at")
    )["at"]
