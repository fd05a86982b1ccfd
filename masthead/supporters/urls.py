from django.urls import path

from masthead.supporters import manage_views, views

app_name = "supporters"
urlpatterns = [
    path("", views.support, name="support"),
    path("contribute/", views.contribute, name="contribute"),
    path("pay/<str:token>/", views.payment_step, name="pay"),
    path("pay/<str:token>/card/", views.payment_step_card, name="pay-card"),
    path("thanks/<str:token>/", views.thanks, name="thanks"),
    path("remind/", views.reminder, name="reminder"),
    path("remind/cancel/<str:token>/", views.reminder_cancel, name="reminder-cancel"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/sign-in/", manage_views.signin, name="signin"),
    path("manage/sign-in/<str:token>/", manage_views.signin_link, name="signin-link"),
    path("manage/sign-out/", manage_views.signout, name="signout"),
    path("manage/support/<int:pk>/", manage_views.recurring_action, name="recurring-action"),
    path("manage/receipts/<int:pk>/", manage_views.receipt, name="receipt"),
]
