"""Writes of the figures: hits (through the process tally), conversions (inside the
transaction of the signup or contribution that made them) and the monthly roll-up."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from masthead.figures import readers, tally
from masthead.figures.classify import Host
from masthead.figures.models import Conversion, PendingContribution, Readership, SiteReaders, Span

logger = logging.getLogger(__name__)

# Hits a copy kept in the browser are accepted this many days late (the queue keeps 7).
LATE_DAYS = 7
# A contribution not paid within this many days is not waited for any longer.
PENDING_DAYS = 7


# --- Hits ------------------------------------------------------------------------------------


def hit_record(
    *,
    path: str,
    language: str,
    referrer: str,
    host: Host,
    network: str | None,
    user_agent: str,
    days_late: int = 0,
) -> None:
    """Count one view. ``network`` is ``core.throttle.trusted_client_network``'s answer (None
    without an address); it is hashed here with the day's salt and forgotten."""
    today = timezone.localdate()
    day = today - timedelta(days=min(max(days_late, 0), LATE_DAYS))
    reader = None
    if network is not None and day == today:
        who = readers.reader_hash(network=network, user_agent=user_agent, day=day)
        reader = readers.reader_value(who)
    row = tally.RowKey(day, path, str(host.kind), host.name, referrer, language)
    tally.hit_add(row, reader=reader)


def _upsert(
    table: str,
    unique: list[str],
    added: list[str],
    rows: list[tuple],
    kept: tuple[str, ...] = (),
) -> None:
    """Add the ``added`` columns to the row with these ``unique`` values and raise the
    ``kept`` ones to the new value if it is higher, creating the row if needed
    (``INSERT … ON CONFLICT DO UPDATE``: SQLite 3.24+ and PostgreSQL). ``rows`` give the
    values in the order unique, added, kept."""
    if not rows:
        return
    q = connection.ops.quote_name
    columns = [*unique, *added, *kept]
    # Table and column names are this module's constants, quoted; values are parameters.
    names = ", ".join(q(c) for c in columns)
    keys = ", ".join(q(c) for c in unique)
    places = ", ".join(["%s"] * len(columns))
    updates = [f"{q(c)} = {q(table)}.{q(c)} + excluded.{q(c)}" for c in added] + [
        f"{q(c)} = CASE WHEN excluded.{q(c)} > {q(table)}.{q(c)} "
        f"THEN excluded.{q(c)} ELSE {q(table)}.{q(c)} END"
        for c in kept
    ]
    sql = f"INSERT INTO {q(table)} ({names}) VALUES ({places}) ON CONFLICT ({keys}) DO UPDATE SET {', '.join(updates)}"  # noqa: S608, E501
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


READERSHIP_UNIQUE = ["span", "day", "path", "host_kind", "host", "referrer", "language"]
SITE_UNIQUE = ["span", "day", "host_kind", "host"]
CONVERSION_UNIQUE = ["span", "day", "path", "campaign", "kind", "currency"]


def readership_apply(*, tally: tally.Tally, readers: dict) -> int:
    """Add a tally's views to the daily tables and raise their readers to ``readers`` (the
    count of each row's and host's readers so far today), in one transaction."""
    rows = [
        (Span.DAY, *key, views, unmeasured, readers.get(key, 0))
        for key, (views, unmeasured) in tally.rows.items()
    ]
    sites = [
        (Span.DAY, *key, unmeasured, readers.get(key, 0))
        for key, (unmeasured,) in tally.sites.items()
    ]
    with transaction.atomic():
        _upsert(
            Readership._meta.db_table,
            READERSHIP_UNIQUE,
            ["views", "unmeasured"],
            rows,
            kept=("readers",),
        )
        _upsert(SiteReaders._meta.db_table, SITE_UNIQUE, ["unmeasured"], sites, kept=("readers",))
    return len(rows) + len(sites)


# --- Conversions -----------------------------------------------------------------------------


def conversion_add(
    *,
    kind: str,
    path: str = "",
    campaign: str = "",
    currency: str = "",
    amount_minor: int = 0,
    day: date | None = None,
) -> None:
    """Count one signup or contribution for the page (or campaign) it started from. Called
    inside the transaction that records it, so both commit or neither does."""
    _upsert(
        Conversion._meta.db_table,
        CONVERSION_UNIQUE,
        ["count", "amount_minor"],
        [
            (
                Span.DAY,
                day or timezone.localdate(),
                path[:200],
                campaign[:60],
                kind,
                currency,
                1,
                amount_minor,
            )
        ],
    )


def contribution_source_keep(*, contribution_id: int, path: str) -> None:
    """Remember the page a contribution started from until it is paid."""
    if path:
        PendingContribution.objects.update_or_create(
            contribution_id=contribution_id, defaults={"path": path[:200]}
        )


def contribution_convert(
    *, contribution_id: int, campaign: str, currency: str, amount_minor: int, is_test: bool
) -> None:
    """Count a first payment for the page it started from (or its campaign code); forget
    which contribution that was. A simulated payment counts only while the site is in test
    mode (the demo), never beside real money."""
    from masthead.supporters.models import SupportSettings

    pending = PendingContribution.objects.filter(contribution_id=contribution_id).first()
    path = pending.path if pending else ""
    if pending:
        pending.delete()
    if is_test and not SupportSettings.load().test_mode:
        return
    conversion_add(
        kind=Conversion.Kind.CONTRIBUTION,
        path=path,
        campaign="" if path else campaign,
        currency=currency,
        amount_minor=amount_minor,
    )


# --- Retention -------------------------------------------------------------------------------


def _month(day: date) -> date:
    return day.replace(day=1)


def _months_merge(model, unique: list[str], added: list[str], *, before: date) -> int:
    """Add the daily rows of ``model`` older than ``before`` into monthly rows, delete them;
    return how many there were. A month's readers are the sum of its days' readers."""
    old = model.objects.filter(span=Span.DAY, day__lt=before)
    sums: dict[tuple, list[int]] = {}
    merged = 0
    width = len(unique) - 1  # the unique values after ``span``: day first
    for values in old.values_list(*unique[1:], *added).iterator():
        key = (Span.MONTH, _month(values[0]), *values[1:width])
        counts = sums.setdefault(key, [0] * len(added))
        for i, n in enumerate(values[width:]):
            counts[i] += n
        merged += 1
    _upsert(model._meta.db_table, unique, added, [(*k, *c) for k, c in sums.items()])
    old.delete()
    return merged


def figures_rollup(*, today: date | None = None) -> int:
    """Merge daily rows older than ``MASTHEAD_FIGURES_DAYS`` into monthly rows; forget
    contributions that were never paid. Returns the number of daily rows merged."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.FIGURES_DAYS)
    with transaction.atomic():
        merged = (
            _months_merge(
                Readership, READERSHIP_UNIQUE, ["views", "readers", "unmeasured"], before=cutoff
            )
            + _months_merge(SiteReaders, SITE_UNIQUE, ["readers", "unmeasured"], before=cutoff)
            + _months_merge(Conversion, CONVERSION_UNIQUE, ["count", "amount_minor"], before=cutoff)
        )
        PendingContribution.objects.filter(
            created_at__lt=timezone.now() - timedelta(days=PENDING_DAYS)
        ).delete()
    if merged:
        logger.info("Merged %d daily figure rows older than %s into months", merged, cutoff)
    return merged
