from django.urls import path

from masthead.distribution import views

app_name = "distribution"
urlpatterns = [
    path("search/offline-index.js", views.offline_index, name="search-offline-index"),
    path("mirrors/", views.mirrors_page, name="mirrors"),
    path("mirrors.json", views.mirrors_json, name="mirrors-json"),
    path("mirrors.js", views.mirrors_js, name="mirrors-js"),
    path("api/reach", views.reach, name="reach"),
    path("pagefind/<path:path>", views.search_index_file, name="search-index-file"),
]
