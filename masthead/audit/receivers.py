"""Audit entries for changes that Wagtail's and Django's own code makes to accounts.

Users, groups and their permissions are edited by Wagtail's admin views, Django's commands
(``createsuperuser``, ``changepassword``) and our own services alike. Rather than wrap each of
those, we record the change where all of them meet: the model signals. This is the one place
in Masthead where a signal receiver writes something; it writes only the trace, never takes a
decision, and the trace commits with the change because the signals fire inside the save.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from masthead.audit.actor import acting_user
from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record

# Fields whose change on a user matters to security; the password hash is logged as a password
# change without its value.
_WATCHED_USER_FIELDS = ("username", "email", "is_active", "is_staff", "is_superuser")


def _user_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    fields = (*_WATCHED_USER_FIELDS, "password")
    instance._masthead_audit_before = sender.objects.filter(pk=instance.pk).values(*fields).first()


def _user_post_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    actor = acting_user()
    if created:
        security_event_record(
            action=SecurityAction.USER_CREATED,
            user=actor,
            target=instance,
            detail=_flags(instance),
        )
        return
    before = instance.__dict__.pop("_masthead_audit_before", None)
    if not before:
        return
    changed = [f for f in _WATCHED_USER_FIELDS if before[f] != getattr(instance, f)]
    if changed:
        security_event_record(
            action=SecurityAction.USER_CHANGED,
            user=actor,
            target=instance,
            detail={"changed": changed, **_flags(instance)},
        )
    if before["password"] != instance.password:
        security_event_record(
            action=SecurityAction.PASSWORD_CHANGED,
            user=actor or instance,
            target=instance,
            detail={"by": "self" if actor is None or actor.pk == instance.pk else "other"},
        )


def _flags(user) -> dict:
    return {
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def _user_post_delete(sender, instance, **kwargs):
    security_event_record(action=SecurityAction.USER_DELETED, user=acting_user(), target=instance)


def _group_post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    security_event_record(
        action=SecurityAction.GROUP_CHANGED,
        user=acting_user(),
        target=instance,
        detail={"change": "created" if created else "renamed or saved"},
    )


def _group_post_delete(sender, instance, **kwargs):
    security_event_record(
        action=SecurityAction.GROUP_CHANGED,
        user=acting_user(),
        target=instance,
        detail={"change": "deleted"},
    )


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return
    change = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    names = _names(model, pk_set)
    if isinstance(instance, Group) and model._meta.model_name == "permission":
        security_event_record(
            action=SecurityAction.GROUP_CHANGED,
            user=acting_user(),
            target=instance,
            detail={"permissions_" + change: names},
        )
        return
    # A user's groups or own permissions, from either side of the relation.
    users = [instance] if not reverse else list(model.objects.filter(pk__in=pk_set or []))
    what = model._meta.model_name if not reverse else instance._meta.model_name
    for user in users:
        security_event_record(
            action=SecurityAction.PERMISSIONS_CHANGED,
            user=acting_user(),
            target=user,
            detail={
                f"{what}s_{change}": names if not reverse else [str(instance)],
            },
        )


def _names(model, pk_set) -> list[str]:
    if not pk_set:
        return []
    if model._meta.model_name == "permission":
        rows = model.objects.filter(pk__in=pk_set).values_list(
            "content_type__app_label", "codename"
        )
        return sorted(f"{app}.{codename}" for app, codename in rows)
    return sorted(str(obj) for obj in model.objects.filter(pk__in=pk_set))


def connect() -> None:
    User = get_user_model()
    uid = "masthead-audit"
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid=f"{uid}-user-pre")
    post_save.connect(_user_post_save, sender=User, dispatch_uid=f"{uid}-user-post")
    post_delete.connect(_user_post_delete, sender=User, dispatch_uid=f"{uid}-user-delete")
    post_save.connect(_group_post_save, sender=Group, dispatch_uid=f"{uid}-group-post")
    post_delete.connect(_group_post_delete, sender=Group, dispatch_uid=f"{uid}-group-delete")
    m2m_changed.connect(_m2m_changed, sender=User.groups.through, dispatch_uid=f"{uid}-ug")
    m2m_changed.connect(
        _m2m_changed, sender=User.user_permissions.through, dispatch_uid=f"{uid}-up"
    )
    m2m_changed.connect(_m2m_changed, sender=Group.permissions.through, dispatch_uid=f"{uid}-gp")
