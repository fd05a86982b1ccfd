from django.urls import path

from masthead.appeals import views

app_name = "appeals"
urlpatterns = [
    path("active.json", views.active, name="active"),
    path("count", views.count, name="count"),
    path(
        "preview/<int:appeal_id>/<str:variant_key>/",
        views.variant_preview,
        name="variant-preview",
    ),
]
