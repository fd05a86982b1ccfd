from django.urls import include, path

from masthead.newsletters import views

app_name = "newsletters"
urlpatterns = [
    path("", views.newsletter_index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    # django-anymail's webhooks: bounces, complaints (tracking) and unsubscribe mails (inbound),
    # each served only while the secret that proves its sender is configured.
    path("anymail/", include("masthead.newsletters.webhooks")),
    path("<slug:slug>/", views.newsletter_archive, name="archive"),
    path("<slug:slug>/<int:edition_id>/", views.edition_web, name="edition"),
]

# Slugs a newsletter cannot take: they are pages of their own.
RESERVED_SLUGS = {"preview", "signup", "confirm", "unsubscribe", "manage", "anymail"}
