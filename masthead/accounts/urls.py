from django.urls import path

from masthead.accounts import views

app_name = "accounts"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("", views.manage, name="manage"),
    path("remove/", views.remove, name="remove"),
    path("reset/<int:user_id>/", views.reset, name="reset"),
]
