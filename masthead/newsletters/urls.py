from django.urls import path

from masthead.newsletters import views

# The reader's pages, in every language edition (``project.urls``): /newsletter/… and
# /ru/newsletter/…. The webhooks at ``anymail/`` (``webhooks``) keep one address, outside the
# editions: mail services are given it once.
app_name = "newsletters"
urlpatterns = [
    path("", views.newsletter_index, name="index"),
    path("preview/", views.preview, name="preview"),
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("<slug:slug>/", views.newsletter_archive, name="archive"),
    path("<slug:slug>/<int:edition_id>/", views.edition_web, name="edition"),
]

# Slugs a newsletter cannot take: they are pages of their own.
RESERVED_SLUGS = {"preview", "signup", "confirm", "unsubscribe", "manage", "anymail"}
