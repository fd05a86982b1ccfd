"""Importing subscribers from a CSV export (Mailchimp and the like): validate, then all or nothing."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masthead.newsletters.addresses import address_normalize
from masthead.newsletters.models import (
    AuditEntry,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)
from masthead.newsletters.services.audit import audit_record

# Column names that hold the address, as exported by common services (compared in lower case).
EMAIL_COLUMNS = ("email", "email address", "e-mail", "email_address", "e-mail address")
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SkipRule:
    """A column some service's export has, and the values that mean "not a subscriber"."""

    column: str  # compared in lower case
    skips: Callable[[str], bool]
    why: str


# Recognised by their columns. Names are never read: Masthead keeps only the address.
SKIP_RULES = (
    # Ghost, Members → Export (id,email,name,note,subscribed_to_emails,…,deleted_at,labels,tiers)
    SkipRule(
        "subscribed_to_emails",
        lambda v: v.strip().lower() != "true",
        "not subscribed to emails (Ghost)",
    ),
    SkipRule("deleted_at", lambda v: bool(v.strip()), "deleted member (Ghost)"),
    # Mailchimp's unsubscribed and cleaned exports (Email Address,…,UNSUB_TIME / CLEAN_TIME)
    SkipRule("unsub_time", lambda v: bool(v.strip()), "unsubscribed (Mailchimp)"),
    SkipRule("clean_time", lambda v: bool(v.strip()), "cleaned (Mailchimp)"),
    # listmonk (email,name,attributes,status,…)
    SkipRule(
        "status",
        lambda v: v.strip().lower() in ("blocklisted", "unsubscribed"),
        "blocklisted or unsubscribed (listmonk)",
    ),
)


class ImportFileError(Exception):
    """The file cannot be read as a subscriber list at all (encoding, columns, size)."""


@dataclass(frozen=True)
class BadRow:
    line: int
    value: str
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.value!r}: {self.problem}"


@dataclass
class ImportPlan:
    newsletter: Newsletter
    addresses: list[tuple[int, str]] = field(default_factory=list)  # (line, address)
    bad: list[BadRow] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class ImportReport:
    added: int
    already_subscribed: int
    left_before: int
    suppressed: int
    duplicates: int
    confirmed: bool


def import_file_read(*, path: Path, skipped: list[BadRow] | None = None) -> list[tuple[int, str]]:
    """The address column of a CSV file as (line number, raw value). Raises ImportFileError.

    Rows the export itself marks as not subscribed (``SKIP_RULES``) are left out, and added
    to ``skipped`` when given."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"Cannot open {path}: {exc.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path.name} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}). "
            "Export or save it as “CSV UTF-8” and try again."
        ) from None
    if "\x00" in text:
        raise ImportFileError(f"{path.name} contains NUL bytes: it is not a CSV text file.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path.name} is empty.") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} line 1: {exc}") from None
    names = [h.strip().lower() for h in header]
    column = next((names.index(c) for c in EMAIL_COLUMNS if c in names), None)
    if column is None:
        found = ", ".join(repr(h) for h in header[:8]) or "nothing"
        raise ImportFileError(
            f"{path.name} has no email column. The first line must name the columns, with one "
            f"called “email” (or “Email Address”). Found: {found}."
        )
    rules = [(names.index(r.column), r) for r in SKIP_RULES if r.column in names]
    rows = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            value = record[column] if column < len(record) else ""
            rule = next(
                (r for i, r in rules if r.skips(record[i] if i < len(record) else "")), None
            )
            if rule is not None:
                if skipped is not None:
                    skipped.append(BadRow(reader.line_num, value[:80], rule.why))
                continue
            rows.append((reader.line_num, value))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} line {reader.line_num}: {exc}") from None
    return rows


def subscribers_import_plan(
    *,
    rows: list[tuple[int, str]],
    newsletter: Newsletter,
    progress: Callable[[int], None] | None = None,
) -> ImportPlan:
    """Check every row. Nothing is written."""
    plan = ImportPlan(newsletter=newsletter)
    seen: set[str] = set()
    for index, (line, value) in enumerate(rows, start=1):
        try:
            address = address_normalize(value)
        except ValidationError as exc:
            plan.bad.append(BadRow(line, value[:80], exc.messages[0]))
        else:
            if address in seen:
                plan.duplicates += 1
            else:
                seen.add(address)
                plan.addresses.append((line, address))
        if progress and index % 1000 == 0:
            progress(index)
    if progress:
        progress(len(rows))
    return plan


def subscribers_import(
    *,
    plan: ImportPlan,
    confirmed: bool,
    source: str,
    actor=None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Apply a plan with no bad rows, in one transaction: everything or nothing.

    Suppressed addresses and readers who left this list before are skipped. With
    ``confirmed`` the readers count as having consented on the old platform; without it each
    new reader gets a confirmation email and receives nothing until they confirm.
    """
    if plan.bad:
        raise ValueError("a plan with bad rows cannot be imported")
    newsletter = plan.newsletter
    now = timezone.now()
    addresses = [a for _, a in plan.addresses]
    suppressed = set()
    for start in range(0, len(addresses), 1000):
        suppressed |= set(
            Suppression.objects.filter(email__in=addresses[start : start + 1000]).values_list(
                "email", flat=True
            )
        )
    wanted = [a for a in addresses if a not in suppressed]
    added = already = left = 0
    to_confirm: list[int] = []
    with transaction.atomic():
        existing: dict[str, Subscriber] = {}
        for start in range(0, len(wanted), 1000):
            for s in Subscriber.objects.filter(email__in=wanted[start : start + 1000]):
                existing[s.email] = s
        new = [Subscriber(email=a, key=secrets.token_hex(8)) for a in wanted if a not in existing]
        Subscriber.objects.bulk_create(new, batch_size=1000)
        for start in range(0, len(wanted), 1000):
            for s in Subscriber.objects.filter(email__in=wanted[start : start + 1000]):
                existing[s.email] = s
        current = {
            s.subscriber_id: s
            for s in Subscription.objects.filter(
                newsletter=newsletter, subscriber__in=list(existing.values())
            )
        }
        status = Subscription.Status.CONFIRMED if confirmed else Subscription.Status.PENDING
        subscriptions = []
        for index, address in enumerate(wanted, start=1):
            subscriber = existing[address]
            mine = current.get(subscriber.pk)
            if mine is not None:
                if mine.status == Subscription.Status.UNSUBSCRIBED:
                    left += 1  # they chose to leave: an import does not sign them up again
                else:
                    already += 1
                continue
            subscriptions.append(
                Subscription(
                    subscriber=subscriber,
                    newsletter=newsletter,
                    status=status,
                    requested_at=now,
                    consented_at=now if confirmed else None,
                    source_page=source[:200],
                )
            )
            if not confirmed:
                to_confirm.append(subscriber.pk)
            if progress and index % 1000 == 0:
                progress(index)
        Subscription.objects.bulk_create(subscriptions, batch_size=1000)
        added = len(subscriptions)
        if to_confirm:
            nonce_now = timezone.now()
            for subscriber_id in to_confirm:
                Subscriber.objects.filter(pk=subscriber_id).update(
                    confirmation_nonce=secrets.token_hex(6), confirmation_sent_at=nonce_now
                )
        audit_record(
            action=AuditEntry.Action.IMPORTED,
            actor=actor,
            newsletter=newsletter,
            added=added,
            confirmed=confirmed,
            source=source[:200],
            skipped_suppressed=len(suppressed),
            skipped_left_before=left,
        )
        if to_confirm:
            from masthead.newsletters.tasks import confirmation_email_send

            def send_confirmations():
                for subscriber_id in to_confirm:
                    confirmation_email_send.enqueue(subscriber_id=subscriber_id)

            transaction.on_commit(send_confirmations)
    if progress:
        progress(len(wanted))
    return ImportReport(
        added=added,
        already_subscribed=already,
        left_before=left,
        suppressed=len(suppressed),
        duplicates=plan.duplicates,
        confirmed=confirmed,
    )
