"""The security audit log: what writes to it, who reads it, and that nobody can rewrite it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from masthead.audit.models import SecurityAction, SecurityEvent
from masthead.audit.services import security_event_record, security_events_purge

pytestmark = pytest.mark.django_db

LOG_URL = "/admin/security-log/"


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")


def rows(response) -> list[str]:
    """The listing's rows, each as "<user> <action>" (the row title without its time)."""
    titles = re.findall(
        r"More options for &#x27;[\d-]+ [\d:]+ ([^&]+)&#x27;", response.content.decode()
    )
    return titles


def actions(**filters):
    return list(SecurityEvent.objects.filter(**filters).values_list("action", flat=True))


def test_account_changes_are_logged_whoever_makes_them(admin_user):
    user = get_user_model().objects.create_user("reporter", "r@example.org", "old-password")
    assert actions(object_id=str(user.pk)) == [SecurityAction.USER_CREATED]

    editors = Group.objects.create(name="Night desk")
    user.groups.add(editors)
    publish = Permission.objects.get(codename="publish_page")
    editors.permissions.add(publish)
    user.is_superuser = True
    user.save()
    user.set_password("a-new-long-password")
    user.save()

    group_events = SecurityEvent.objects.filter(object_type="auth.group", object_id=str(editors.pk))
    assert {"permissions_added": ["wagtailcore.publish_page"]} in [e.detail for e in group_events]
    user_events = SecurityEvent.objects.filter(object_type="auth.user", object_id=str(user.pk))
    assert [e.action for e in user_events][:3] == [
        SecurityAction.PASSWORD_CHANGED,
        SecurityAction.USER_CHANGED,
        SecurityAction.PERMISSIONS_CHANGED,
    ]
    changed = user_events.get(action=SecurityAction.USER_CHANGED)
    assert changed.detail["changed"] == ["is_superuser"] and changed.detail["is_superuser"]
    assert user_events.get(action=SecurityAction.PERMISSIONS_CHANGED).detail == {
        "groups_added": ["Night desk"]
    }
    # The hash never reaches the log.
    assert user.password not in str(list(SecurityEvent.objects.values()))

    user_pk = user.pk
    user.delete()
    deleted = SecurityEvent.objects.get(action=SecurityAction.USER_DELETED)
    assert deleted.object_id == str(user_pk) and deleted.object_repr == "reporter"


def test_signing_in_is_not_a_change_of_account(admin_user, client):
    before = SecurityEvent.objects.filter(action=SecurityAction.USER_CHANGED).count()
    client.force_login(admin_user)  # updates last_login
    assert SecurityEvent.objects.filter(action=SecurityAction.USER_CHANGED).count() == before


def test_the_log_never_takes_an_address_or_a_secret():
    for key in ("ip", "IP_address", "password", "token", "code"):
        with pytest.raises(ValueError):
            security_event_record(action=SecurityAction.EXPORT, detail={key: "x"})
    columns = {f.name for f in SecurityEvent._meta.get_fields()}
    assert not columns & {"ip", "ip_address", "remote_addr", "user_agent"}


def test_purge_keeps_the_configured_days():
    old = security_event_record(action=SecurityAction.EXPORT, detail={"what": "subscribers"})
    recent = security_event_record(action=SecurityAction.EXPORT, detail={"what": "contributions"})
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    SecurityEvent.objects.filter(pk=recent.pk).update(at=timezone.now() - timedelta(days=364))
    assert security_events_purge(days=365) == 1
    assert list(SecurityEvent.objects.filter(action=SecurityAction.EXPORT)) == [recent]


def test_the_purge_is_a_periodic_job_of_the_worker():
    from masthead.core.scheduler import registered_jobs

    assert "audit.purge" in {job.name for job in registered_jobs()}


def test_administrators_read_and_filter_the_log_in_the_admin(admin_user, client, sign_in):
    sign_in(client, admin_user)
    editor = get_user_model().objects.create_user("editor", "e@example.org", "pw")
    security_event_record(action=SecurityAction.EXPORT, user=editor, detail={"what": "subscribers"})
    security_event_record(action=SecurityAction.SIGNIN_FAILED, user=editor)

    listing = client.get(LOG_URL)
    assert listing.status_code == 200
    assert rows(listing) == ["editor Failed sign-in", "editor Data exported", *rows(listing)[2:]]
    only_exports = client.get(LOG_URL, {"action": SecurityAction.EXPORT})
    assert rows(only_exports) == ["editor Data exported"]
    by_user = client.get(LOG_URL, {"username": "editor"})
    assert len(rows(by_user)) == 2
    assert client.get("/admin/").status_code == 200
    settings_menu = client.get("/admin/").content.decode()
    assert LOG_URL in settings_menu

    export = client.get(LOG_URL, {"export": "csv"})
    assert export.status_code == 200
    assert b"signin.failed" in b"".join(export.streaming_content)


def test_nobody_can_add_change_or_delete_an_entry(admin_user, client, sign_in):
    sign_in(client, admin_user)
    entry = security_event_record(action=SecurityAction.EXPORT, detail={"what": "subscribers"})
    assert client.get(f"{LOG_URL}inspect/{entry.pk}/").status_code == 200
    for url in (f"{LOG_URL}new/", f"{LOG_URL}edit/{entry.pk}/", f"{LOG_URL}delete/{entry.pk}/"):
        assert client.get(url).status_code in (302, 403), url
        assert client.post(url, {"action": "export"}).status_code in (302, 403), url
    entry.refresh_from_db()
    assert SecurityEvent.objects.filter(pk=entry.pk, action=SecurityAction.EXPORT).exists()


def test_editors_without_the_permission_do_not_see_the_log(client, sign_in):
    editor = get_user_model().objects.create_user("desk", "d@example.org", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    sign_in(client, editor)
    response = client.get(LOG_URL)
    assert response.status_code in (302, 403)
    assert LOG_URL not in client.get("/admin/").content.decode()


def test_changes_made_in_the_admin_name_who_made_them(admin_user, client, sign_in):
    sign_in(client, admin_user)
    leaver = get_user_model().objects.create_user("leaver", "l@example.org", "pw")
    response = client.post(f"/admin/users/delete/{leaver.pk}/")
    assert response.status_code == 302
    deleted = SecurityEvent.objects.get(action=SecurityAction.USER_DELETED)
    assert (deleted.user_id, deleted.username) == (admin_user.pk, "chief")
    assert deleted.object_repr == "leaver"
