from django.urls import path

from masthead.figures import views

app_name = "figures"
urlpatterns = [
    path("hit", views.hit, name="hit"),
    path("pixel.gif", views.pixel, name="pixel"),
]
