"""The send engine: an edition to every confirmed subscriber, exactly once, resumable.

The ledger (``Delivery``) holds one row per recipient of an edition; a unique constraint
keeps it that way. A row moves through::

    pending ─claim─► claimed ─hand-over─► sending ─250─► sent
       ▲                │                     │
       └── released ────┘ (lease expired, or  └─ lease expired / no answer ─► unconfirmed
           nothing of the message could be        (not sent again automatically)
           delivered: the connection failed
           before its final dot)
    claimed/sending ─4xx─► deferred ─backoff─► claimed …   ─5xx─► failed (address suppressed
                                                                  when refused at RCPT)
    pending ─reader left / address suppressed─► skipped

**The guarantee.** Over SMTP a message becomes deliverable only when the server receives
the final ``.`` of ``DATA``. For a group of messages (one per connection) the engine writes
every envelope and body, then, **one message at a time**, records that message as
``sending`` (a committed single-row update guarded by the claim, its time in ``sent_at``)
and writes that message's final dot, then the next message's record and dot.

- Killed before a message's ``sending`` record commits: its server holds an unfinished
  message and discards it when the connection drops. The row is still ``claimed``; once
  the lease has run out it is released and sent once, later.
- Killed after its dot: the server has (or will have) the message. The row says
  ``sending``; on resume it becomes ``unconfirmed`` and is **not** sent again.
- Killed in between — after the record commits, before the dot has left the process: that
  one recipient is recorded as handed over but the server never got the end of the
  message. Two independent systems (database, SMTP server) cannot close this window, but
  it is one message wide: the time from the database's commit to one ``send`` system call
  (``bench/send_faults.py`` measures it). That recipient misses this edition; nobody ever
  gets two copies. The admin counts it among "unconfirmed" (with the rows that were
  delivered but whose answer was not recorded — at most one group — which it cannot tell
  apart) and offers an editor to send to those again, accepting a possible second copy.

So: never two copies from the engine; one copy to everyone, except that a kill landing in
that window costs one message, whatever the number of connections.

With any other backend (an ESP's HTTP API through django-anymail) the record is written
just before the API call, and the call is the window: an error that says the request never
left (connection refused, DNS, TLS, connect timeout) puts the row back in the queue; one
after it left (read timeout, reset, an HTTP 5xx) makes it ``unconfirmed``; a refusal (4xx)
fails it (``email.transport.backend_error_outcome``).

**Leases.** Each run of the engine is a worker with a random id (``claimed_by``); the rows
it claims carry ``lease_until``, which its heartbeat renews while it sends. Another worker
takes rows over only when their lease has run out: ``claimed`` rows go back to the queue,
``sending`` rows become ``unconfirmed``. Nothing is judged by host names or process ids.
A worker that is slow rather than dead loses nothing either: the hand-over record is an
update guarded by ``claimed_by``; if its rows were taken over, the update matches no row
and the connection is dropped instead of finishing the message. (Leases compare the
clocks of the machines that run workers: keep them in sync.)

On PostgreSQL the engine's own session commits with ``synchronous_commit = off``: the
ledger's writes are not flushed to disk one by one. A worker crash loses nothing (the
database server has them); a crash of the *database server* can lose the last fraction of a
second of ledger writes, and those recipients would be sent again after recovery.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
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
    Message,
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


def worker_id() -> str:
    """A new worker's id: random, never derived from the host or the process (two containers
    may share both), so that only its lease says whether it is alive."""
    return f"w-{secrets.token_hex(8)}"


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
        self._hand_over_sql = (
            f"UPDATE {self.table} SET status = %s, sent_at = %s "  # noqa: S608 - our table; values are parameters
            f"WHERE id = %s AND status = %s AND claimed_by = %s"
        )

    def handed_over(self, delivery_id: int) -> bool:
        """Record, committed, that this one message is about to become deliverable (the
        caller writes its final dot next); False when this worker no longer holds the row.

        One single-row statement whose answer is awaited: the dot must not leave before the
        record is in the database. ``sent_at`` takes the time of the hand-over (it is kept
        when the server's answer is recorded): the start of the window, which
        ``bench/send_faults.py`` measures. On PostgreSQL it runs as a prepared statement
        straight through libpq: the round trip is most of its cost.
        """
        self.sync()
        now = timezone.now()
        if self._may_pipeline():
            pgconn = connection.connection.pgconn
            if self._prepared_on is not pgconn:
                self._prepare(pgconn)
            result = pgconn.exec_prepared(
                b"masthead_hand_over",
                [
                    S.SENDING.encode(),
                    now.isoformat().encode(),
                    str(int(delivery_id)).encode(),
                    S.CLAIMED.encode(),
                    self.worker.encode(),
                ],
            )
            self._check(result)
            return result.command_tuples == 1
        params = [
            S.SENDING,
            connection.ops.adapt_datetimefield_value(now),
            delivery_id,
            S.CLAIMED,
            self.worker,
        ]
        if connection.vendor == "sqlite":
            # The driver's own statement (in autocommit, it commits): it runs thousands of
            # times a second, and Django's cursor wrapper is a noticeable share of it.
            connection.ensure_connection()
            sql = self._hand_over_sql.replace("%s", "?")
            return connection.connection.execute(sql, params).rowcount == 1
        with connection.cursor() as cursor:
            cursor.execute(self._hand_over_sql, params)
            return cursor.rowcount == 1

    _prepared_on = None  # the libpq connection the hand-over statement is prepared on

    def _prepare(self, pgconn) -> None:
        from psycopg import pq

        # Prepared once per database session, which outlives this ledger (a worker runs one
        # send after another on one connection).
        if pgconn.describe_prepared(b"masthead_hand_over").status == pq.ExecStatus.COMMAND_OK:
            self._prepared_on = pgconn
            return
        result = pgconn.prepare(
            b"masthead_hand_over",
            (
                f"UPDATE {self.table} SET status = $1, sent_at = $2 "  # noqa: S608 - our table; values are parameters
                f"WHERE id = $3 AND status = $4 AND claimed_by = $5"
            ).encode(),
        )
        self._check(result)
        self._prepared_on = pgconn

    @staticmethod
    def _check(result) -> None:
        from psycopg import pq

        if result.status != pq.ExecStatus.COMMAND_OK:
            message = (result.error_message or b"").decode(errors="replace")
            raise RuntimeError(f"recording the hand-over failed: {message}")

    lease_until = None

    def _may_pipeline(self) -> bool:
        return (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and connection.connection is not None
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
        pgconn = connection.connection.pgconn
        updated = 0
        while (result := pgconn.get_result()) is not None:
            self._check(result)
            updated += result.command_tuples or 0
        return updated

    _checkpoint_at = 0.0

    def checkpoint(self) -> None:
        """SQLite: copy the write-ahead log into the database, between batches and about
        once a second (see ``engine_session``). A no-op elsewhere."""
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return
        if time.monotonic() - self._checkpoint_at >= 1.0:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._checkpoint_at = time.monotonic()

    def lease_renew(self) -> None:
        """The heartbeat: extend the lease of every row this worker holds."""
        self.sync()
        self.lease_until = timezone.now() + timedelta(seconds=settings.NEWSLETTER_LEASE_SECONDS)
        Delivery.objects.filter(
            edition=self.edition, claimed_by=self.worker, status__in=[S.CLAIMED, S.SENDING]
        ).update(lease_until=self.lease_until)

    def _held_by_others(self):
        return Delivery.objects.filter(
            edition=self.edition, status__in=[S.CLAIMED, S.SENDING]
        ).exclude(claimed_by=self.worker)

    def release_abandoned(self) -> int:
        """Take over the rows of workers whose lease ran out: ``claimed`` rows go back to
        the queue (nothing of them was deliverable), ``sending`` rows become
        ``unconfirmed`` (their message may have been accepted)."""
        self.sync()
        expired = self._held_by_others().filter(
            Q(lease_until__lt=timezone.now()) | Q(lease_until__isnull=True)
        )
        with transaction.atomic():
            released = expired.filter(status=S.CLAIMED).update(
                status=S.PENDING, claimed_by="", lease_until=None
            )
            doubtful = expired.filter(status=S.SENDING).update(
                status=S.UNCONFIRMED,
                detail="The worker stopped after handing the message over; not sent again.",
            )
        if released or doubtful:
            logger.warning(
                "Edition %s: took over %s claimed rows of stopped workers; %s unconfirmed",
                self.edition.pk,
                released,
                doubtful,
            )
        return released + doubtful

    def others_next_expiry(self):
        """When the next lease of rows other workers hold runs out (None: they hold none)."""
        self.sync()
        return self._held_by_others().aggregate(at=Min("lease_until"))["at"]

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

    def _mark_sent(self, delivery_ids: list[int]) -> None:
        """The common outcome, on the hot path: one plain statement, no query building.

        On PostgreSQL it is sent without waiting for the answer, which ``sync`` reads before
        the next statement: the server records it while this process prepares the next
        group. Nothing depends on its answer; a worker killed before the server has it
        leaves those rows ``sending``, and they become ``unconfirmed`` (not sent again).
        ``sent_at`` keeps the hand-over time.
        """
        if self._may_pipeline():
            self._pipeline_send(
                f"UPDATE {self.table} SET status = $1, lease_until = NULL, "  # noqa: S608 - our table; values are parameters
                f"detail = '' WHERE id = ANY($2::bigint[]) AND status = $3 AND claimed_by = $4",
                [S.SENT, _pg_array(delivery_ids), S.SENDING, self.worker],
            )
            self._unanswered = True
            return
        placeholders = ", ".join(["%s"] * len(delivery_ids))
        sql = (
            f"UPDATE {self.table} SET status = %s, lease_until = NULL, detail = '' "  # noqa: S608 - our table; values are parameters
            f"WHERE id IN ({placeholders}) AND status = %s AND claimed_by = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [S.SENT, *delivery_ids, S.SENDING, self.worker])

    def record(self, outcomes: list[Outcome], emails: dict[int, str]) -> dict[str, int]:
        """Write the outcome of a group of messages."""
        now = timezone.now()
        counts: dict[str, int] = {}
        by_kind: dict[str, list[Outcome]] = {}
        for outcome in outcomes:
            by_kind.setdefault(outcome.kind, []).append(outcome)
            counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
        if SENT in by_kind:
            self._mark_sent([o.delivery_id for o in by_kind[SENT]])
        if len(by_kind) == (SENT in by_kind):
            return counts  # every message accepted: the usual case
        self.sync()
        mine = Delivery.objects.filter(claimed_by=self.worker)
        for outcome in by_kind.get(UNKNOWN, []):
            mine.filter(id=outcome.delivery_id, status=S.SENDING).update(
                status=S.UNCONFIRMED, detail=outcome.detail
            )
        for outcome in by_kind.get(NOT_HANDED, []):
            # Nothing can have been delivered: back in the queue at once (an API call that
            # failed to connect was recorded as handed over first).
            mine.filter(id=outcome.delivery_id, status__in=[S.CLAIMED, S.SENDING]).update(
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


def engine_session(on: bool) -> None:
    """The engine's own database session settings, switched on for a send and back off.

    PostgreSQL: ``synchronous_commit = off`` (see the module docstring). SQLite: no automatic
    WAL checkpoint; SQLite would otherwise run one inside whichever commit crosses its
    threshold — after the commit, before the call returns — which can be a hand-over
    record: milliseconds of copying and fsync between "handed over" and the final dot.
    ``Ledger.checkpoint`` runs them between batches instead, when no message is in flight.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off" if on else "RESET synchronous_commit")
        elif connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA wal_autocheckpoint = {0 if on else 1000}")


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


class _Heartbeat:
    """Renews the worker's lease (and the edition's heartbeat, which the dispatcher reads)
    often enough that a live worker's lease never runs out: a quarter of the lease."""

    def __init__(self, *, ledger: Ledger, worker: str):
        self.ledger = ledger
        self.worker = worker
        self.interval = min(2.0, settings.NEWSLETTER_LEASE_SECONDS / 4)
        self.at = 0.0

    def __call__(self, *, force: bool = False) -> None:
        if not force and time.monotonic() - self.at < self.interval:
            return
        self.ledger.lease_renew()
        Edition.objects.filter(pk=self.ledger.edition.pk).update(
            heartbeat_at=timezone.now(), heartbeat_by=self.worker
        )
        self.at = time.monotonic()


def edition_send_run(
    *,
    edition_id: int,
    progress: Callable[[int, int], None] | None = None,
    max_seconds: float | None = None,
    wait_for_others: bool = False,
) -> RunReport:
    """Send what is left of an edition from this process. Any number may run at once.

    ``wait_for_others``: when only rows other workers hold are left, wait until they are
    sent or their lease runs out (then take them over) instead of returning: the terminal
    command's way to finish a send that a killed process left behind.
    """
    started = time.monotonic()
    worker = worker_id()
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
        template=template,
        envelope_sender=newsletter.sender_email,
    )
    pacer = _Pacer(settings.NEWSLETTER_RATE)
    # A claimed batch should be sent well within its lease, however slow the pace (the
    # heartbeat renews it, but a batch that outlives a stalled heartbeat is taken over).
    batch = settings.NEWSLETTER_BATCH
    if settings.NEWSLETTER_RATE:
        paced = int(settings.NEWSLETTER_RATE * settings.NEWSLETTER_LEASE_SECONDS / 4)
        batch = max(transport.size, min(batch, paced))
    heartbeat = _Heartbeat(ledger=ledger, worker=worker)
    failures_in_a_row = 0
    engine_session(True)
    try:
        transport.open()
        while True:
            heartbeat()
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            ledger.checkpoint()
            rows = ledger.claim(batch)
            if not rows:
                if ledger.release_abandoned():
                    continue
                if wait_for_others and (expiry := ledger.others_next_expiry()) is not None:
                    wait = (expiry - timezone.now()).total_seconds()
                    time.sleep(min(1.0, max(0.05, wait)))
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
                heartbeat()
                messages = [
                    Message(
                        delivery_id,
                        email,
                        Personal(
                            to=email,
                            message_id=template.message_id(
                                edition_id=edition.pk, delivery_id=delivery_id
                            ),
                            token=tokens.list_token_make(
                                subscriber_key=key, newsletter_id=newsletter.pk
                            ),
                        ),
                    )
                    for delivery_id, _subscriber_id, email, key, _eligible in group
                ]
                outcomes = transport.send_group(messages, ledger)
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
        engine_session(False)
        transport.close()
        Edition.objects.filter(pk=edition.pk, heartbeat_by=worker).update(heartbeat_at=None)
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
        if edition.heartbeat_at is not None and edition.heartbeat_at > stale:
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
