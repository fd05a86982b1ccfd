"""Members exported from Ghost, Mailchimp and listmonk, through ``masthead subscribers import``."""

from io import StringIO

import pytest
from django.core.management import call_command

from masthead.newsletters.models import Subscriber, Subscription
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def friday():
    return factories.newsletter(slug="friday")


def run(path) -> str:
    out = StringIO()
    call_command(
        "subscribers",
        "import",
        str(path),
        "--list",
        "friday",
        "--confirmed",
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def subscribed(newsletter) -> set[str]:
    return set(
        Subscription.objects.filter(
            newsletter=newsletter, status=Subscription.Status.CONFIRMED
        ).values_list("subscriber__email", flat=True)
    )


def test_ghost_members_only_those_who_receive_emails(tmp_path, friday):
    path = tmp_path / "members.csv"
    path.write_text(
        "id,email,name,note,subscribed_to_emails,complimentary_plan,stripe_customer_id,"
        "created_at,deleted_at,labels,tiers\n"
        "1,anna@example.org,Anna Reader,,true,false,,2023-01-01T00:00:00.000Z,,,\n"
        '2,boris@example.org,"Boris, Jr.",likes maps,false,false,cus_1,2023-01-02T00:00:00.000Z,,"a,b",\n'
        "3,vera@example.org,Вера,,true,true,,2023-01-03T00:00:00.000Z,,,Gold\n"
        "4,gone@example.org,Gone,,true,false,,2023-01-03T00:00:00.000Z,2024-01-01T00:00:00.000Z,,\n",
        encoding="utf-8",
    )
    out = run(path)
    assert subscribed(friday) == {"anna@example.org", "vera@example.org"}
    assert "1 not imported: not subscribed to emails (Ghost)" in out
    assert "1 not imported: deleted member (Ghost)" in out
    assert not Subscriber.objects.filter(email="boris@example.org").exists()
    # Masthead keeps the address only: no name, note or Stripe id anywhere.
    assert {f.name for f in Subscriber._meta.get_fields()}.isdisjoint({"name", "note"})
    out = run(path)  # again: nothing twice
    assert "Imported 0" in out and "2 already on the list" in out
    assert Subscriber.objects.count() == 2


def test_mailchimp_subscribed_and_unsubscribed_exports(tmp_path, friday):
    subscribed_csv = tmp_path / "subscribed_members_export.csv"
    subscribed_csv.write_text(
        "Email Address,First Name,Last Name,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,"
        "CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS\n"
        "anna@example.org,Anna,R,2,2023-01-01 10:00:00,,2023-01-01 10:05:00,1.2.3.4,,,,,,,,"
        "2023-01-01 10:05:00,1,abc,,\n",
        encoding="utf-8-sig",
    )
    unsubscribed_csv = tmp_path / "unsubscribed_members_export.csv"
    unsubscribed_csv.write_text(
        "Email Address,First Name,MEMBER_RATING,OPTIN_TIME,CONFIRM_TIME,UNSUB_TIME,UNSUB_CAMPAIGN_TITLE\n"
        "left@example.org,Left,1,2022-01-01 10:00:00,2022-01-01 10:00:00,2023-02-01 10:00:00,Weekly\n",
        encoding="utf-8",
    )
    run(subscribed_csv)
    out = run(unsubscribed_csv)
    assert subscribed(friday) == {"anna@example.org"}
    assert "1 not imported: unsubscribed (Mailchimp)" in out


def test_listmonk_blocklisted_rows_are_skipped(tmp_path, friday):
    path = tmp_path / "subscribers.csv"
    path.write_text(
        "uuid,email,name,attributes,status,created_at,updated_at\n"
        'u1,anna@example.org,Anna,"{""city"": ""Riga""}",enabled,2023-01-01,2023-01-01\n'
        "u2,spam@example.org,Spam,{},blocklisted,2023-01-01,2023-01-01\n",
        encoding="utf-8",
    )
    out = run(path)
    assert subscribed(friday) == {"anna@example.org"}
    assert "1 not imported: blocklisted or unsubscribed (listmonk)" in out
