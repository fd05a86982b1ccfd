"""``masthead subscribers import``: check every row first, all or nothing, clear messages."""

import io

import pytest
from django.core.management import CommandError, call_command

from masthead.newsletters.models import Subscriber, Subscription, Suppression
from masthead.newsletters.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def weekly():
    return factories.newsletter(slug="friday")


def run(path, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "subscribers", "import", str(path), "--list", "friday", *extra, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_mailchimp_export_imports_confirmed(tmp_path, weekly):
    csv = tmp_path / "members.csv"
    csv.write_text(
        "Email Address,First Name,MEMBER_RATING\n"
        "anna@example.org,Anna,2\n"
        "BORIS@Example.org,Boris,5\n"
        "anna@example.org,Anna again,1\n"
        "gone@example.org,Gone,1\n"
        "\n",
        encoding="utf-8-sig",
    )
    Suppression.objects.create(email="gone@example.org", reason="bounced")
    out, err = run(csv, "--confirmed")
    assert "Imported 2 into The Friday Courier, confirmed." in out
    assert "1 on the suppression list, skipped" in out
    assert "1 duplicate rows in the file" in out
    assert "Checking: 4/4 rows" in err  # plain progress lines when not in a terminal
    emails = set(Subscriber.objects.values_list("email", flat=True))
    assert emails == {"anna@example.org", "boris@example.org"}
    subscription = Subscription.objects.get(subscriber__email="boris@example.org")
    assert subscription.status == "confirmed" and subscription.source_page == "import: members.csv"


def test_without_confirmed_each_gets_a_confirmation_email(
    tmp_path, weekly, smtp_sink, django_capture_on_commit_callbacks
):
    csv = tmp_path / "list.csv"
    csv.write_text("email\nnew@example.org\n", encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run(csv)
    assert "waiting for confirmation" in out
    assert Subscription.objects.get().status == "pending"
    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["new@example.org"]


def test_bad_rows_are_listed_with_line_numbers_and_nothing_is_imported(tmp_path, weekly):
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "email,name\nok@example.org,A\nnot-an-address,B\nok2@example.org,C\n,D\n"
        + "x" * 300
        + "@example.org,E\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        out, err = io.StringIO(), io.StringIO()
        call_command("subscribers", "import", str(csv), "--list", "friday", stdout=out, stderr=err)
    assert "3 of 5 rows are not valid addresses. Nothing was imported" in str(error.value)
    listed = err.getvalue()
    assert "line 3: 'not-an-address'" in listed
    assert "line 5: '': Enter your email address." in listed
    assert "line 6:" in listed and "at most 254 characters" in listed
    assert not Subscriber.objects.exists()


def test_wrong_encoding_is_explained(tmp_path, weekly):
    csv = tmp_path / "latin1.csv"
    csv.write_bytes("email\nrené@example.org\n".encode("latin-1"))
    with pytest.raises(CommandError, match=r"not UTF-8 text \(byte 0xe9 on line 2\).*CSV UTF-8"):
        run(csv)
    assert not Subscriber.objects.exists()


def test_missing_column_is_explained(tmp_path, weekly):
    csv = tmp_path / "cols.csv"
    csv.write_text("name,phone\nAnna,123\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"no email column.*Found: 'name', 'phone'"):
        run(csv)


def test_unknown_list_and_missing_file(tmp_path, weekly):
    csv = tmp_path / "x.csv"
    csv.write_text("email\na@example.org\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"There is no newsletter 'nope'. Known: friday"):
        call_command("subscribers", "import", str(csv), "--list", "nope")
    with pytest.raises(CommandError, match=r"Cannot open"):
        run(tmp_path / "missing.csv")


def test_readers_who_left_are_not_signed_up_again(tmp_path, weekly):
    factories.subscriber(email="left@example.org", lists=[weekly], status="unsubscribed")
    csv = tmp_path / "again.csv"
    csv.write_text("email\nleft@example.org\n", encoding="utf-8")
    out, _ = run(csv, "--confirmed")
    assert "1 left this list before, not added again" in out
    assert Subscription.objects.get().status == "unsubscribed"
