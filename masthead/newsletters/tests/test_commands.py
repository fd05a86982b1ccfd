"""``masthead newsletter send``: sends from the terminal, reports, and resumes."""

import io

import pytest
from django.core.management import CommandError, call_command

from masthead.newsletters.models import Edition
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db


def test_send_command_sends_and_reports(smtp_sink):
    weekly = factories.newsletter()
    factories.subscribers_bulk(newsletter=weekly, count=25)
    edition = factories.edition(newsletter=weekly)
    out, err = io.StringIO(), io.StringIO()
    call_command("newsletter", "send", str(edition.pk), stdout=out, stderr=err)
    assert len(smtp_sink.messages) == 25
    assert f"Edition {edition.pk}: 25/25 emails" in err.getvalue()
    assert "sent 25 from this process" in out.getvalue()
    assert Edition.objects.get(pk=edition.pk).status == "sent"
    out = io.StringIO()
    call_command("newsletter", "send", str(edition.pk), stdout=out)
    assert "was already sent" in out.getvalue()
    assert len(smtp_sink.messages) == 25


def test_send_command_errors_are_clear():
    with pytest.raises(CommandError, match="no edition 999"):
        call_command("newsletter", "send", "999")
    with pytest.raises(CommandError, match="by its number"):
        call_command("newsletter", "send", "friday")
    with pytest.raises(CommandError, match="by its number"):
        call_command("newsletter", "send", "²")  # a digit to str.isdigit(), not a number
    weekly = factories.newsletter()
    empty = Edition.objects.create(newsletter=weekly, subject="Empty")
    with pytest.raises(CommandError, match="at least one article"):
        call_command("newsletter", "send", str(empty.pk))
