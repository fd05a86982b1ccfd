"""The security audit log in the admin (*Settings → Security log*): read, filtered, exported,
never edited. Only superusers and users given ``audit.view_securityevent`` see it, and nobody
can add, change or delete an entry through the admin, superusers included."""

from __future__ import annotations

import django_filters
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from masthead.audit.models import SecurityAction, SecurityEvent


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Viewing needs ``view_securityevent``; adding, changing and deleting are for nobody."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return user.is_active and user.has_perm("audit.view_securityevent")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(["view"])


register_permission_policy(SecurityEvent, ReadOnlyPermissionPolicy(SecurityEvent))


class SecurityEventFilterSet(WagtailFilterSet):
    action = django_filters.MultipleChoiceFilter(choices=SecurityAction.choices)
    at = django_filters.DateFromToRangeFilter(label="When", widget=DateRangePickerWidget)
    username = django_filters.CharFilter(label="User", lookup_expr="iexact")
    object_type = django_filters.CharFilter(label="Object type (e.g. auth.user)")

    class Meta:
        model = SecurityEvent
        fields = ["action", "at", "username", "object_type"]


class SecurityEventViewSet(ModelViewSet):
    model = SecurityEvent
    icon = "lock"
    menu_label = "Security log"
    name = "security-log"
    add_to_admin_menu = False  # under Settings, below
    list_display = [
        "__str__",
        Column("action", label="Action", accessor="get_action_display"),
        Column("username", label="User"),
        Column("object_repr", label="Object"),
    ]
    list_export = [
        "at",
        "action",
        "user_id",
        "username",
        "object_type",
        "object_id",
        "object_repr",
        "detail",
    ]
    export_filename = "security-log"
    filterset_class = SecurityEventFilterSet
    search_fields = ["username", "object_repr"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields: list[str] = []  # no form is ever shown: the policy refuses add and edit


security_event_viewset = SecurityEventViewSet()


@hooks.register("register_admin_viewset")
def register_viewset():
    return security_event_viewset


class SecurityLogMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("audit.view_securityevent")


@hooks.register("register_settings_menu_item")
def register_menu_item():
    return SecurityLogMenuItem(
        "Security log",
        security_event_viewset.menu_url,
        icon_name="lock",
        order=900,
    )
