from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from masthead.supporters import admin_views

urlpatterns = [
    path("", admin_views.RevenueView.as_view(), name="revenue"),
    path("revenue-by-month.csv", admin_views.revenue_csv, name="revenue-csv"),
    path("contributions.csv", admin_views.contributions_csv, name="contributions-csv"),
    path("pending/", admin_views.PendingView.as_view(), name="pending"),
    path("pending/<int:pk>/", admin_views.pending_decide, name="pending-decide"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("reader-revenue/", include((urlpatterns, "supporters_admin")))]


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


class RevenueMenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_revenue_menu():
    submenu = Menu(
        items=[
            PermissionMenuItem(
                "Revenue", reverse("supporters_admin:revenue"), icon_name="pick", order=100
            ),
            PermissionMenuItem(
                "Pending offline gifts",
                reverse("supporters_admin:pending"),
                icon_name="time",
                order=200,
            ),
        ]
    )
    return RevenueMenu("Reader revenue", submenu, icon_name="pick", order=450)
