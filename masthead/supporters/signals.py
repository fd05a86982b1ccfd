"""Signals for extensions (appeals attribution, analytics…). Masthead's own flow never depends
on a receiver: they are sent inside the transaction that made the change, after its audit
entry, so a receiver's own writes commit or roll back with it."""

from django.dispatch import Signal

# A contribution's payment succeeded. Sent once per contribution. Arguments:
# ``contribution`` and ``first_payment`` (False for a renewal of recurring support).
contribution_succeeded = Signal()

# A reader started a contribution (nothing paid yet). Arguments: ``contribution`` and
# ``source_page``, the path of the page the form was started from ("" when not known).
contribution_started = Signal()

# Recurring support changed state (``recurring``, ``previous_status``).
recurring_changed = Signal()
