from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from masthead.figures import admin_views

urlpatterns = [
    path("", admin_views.FiguresView.as_view(), name="figures"),
    path("figures.csv", admin_views.figures_csv, name="figures-csv"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("figures/", include((urlpatterns, "figures_admin")))]


class FiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.VIEW_PERMISSION)


@hooks.register("register_reports_menu_item")
def register_figures_menu_item():
    return FiguresMenuItem("Figures", reverse("figures_admin:figures"), icon_name="table", order=50)
