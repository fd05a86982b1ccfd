"""Small builders for appeals tests: real appeals made through the service the demo uses."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from masthead.appeals.models import Appeal
from masthead.appeals.services import VariantSpec, appeal_create

_seq = count(1)


def variant(**fields) -> VariantSpec:
    n = next(_seq)
    return VariantSpec(
        heading=fields.pop("heading", f"Support us, please ({n})"),
        message=fields.pop("message", "<p>We need readers like you.</p>"),
        amount=fields.pop("amount", Decimal(5)),
        **fields,
    )


def appeal(*, variants: list[VariantSpec] | None = None, **rules) -> Appeal:
    return appeal_create(
        name=rules.pop("name", f"Appeal {next(_seq)}"),
        variants=variants or [variant(key="a"), variant(key="b")],
        **rules,
    )
