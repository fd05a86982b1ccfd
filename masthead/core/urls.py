from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.publishing import feeds, sitemaps, views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("newsletter/", include("masthead.newsletters.urls")),
    path("support/", include("masthead.supporters.urls")),
    path("payments/", include("masthead.payments.urls")),
    path("appeals/", include("masthead.appeals.urls")),
    path("robots.txt", views.robots_txt),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("news-sitemap.xml", sitemaps.news_sitemap),
    path("feeds/rss.xml", feeds.ArticlesFeed(), name="feed-rss"),
    path("feeds/atom.xml", feeds.ArticlesAtomFeed(), name="feed-atom"),
    path("feeds/<slug:section>/rss.xml", feeds.ArticlesFeed(), name="section-feed-rss"),
    path("feeds/<slug:section>/atom.xml", feeds.ArticlesAtomFeed(), name="section-feed-atom"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("authors/<slug:slug>/page/<int:number>/", views.author_detail, name="author-page"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("tags/<slug:slug>/page/<int:number>/", views.tag_detail, name="tag-page"),
    path("archive/", views.archive, name="archive"),
    path("archive/page/<int:number>/", views.archive, name="archive-page"),
    # Uploaded images. In production a web server or object storage serves them instead.
    re_path(
        r"^media/(?P<path>.*)$",
        cache_control(max_age=86400, public=True)(serve_file),
        {"document_root": settings.MEDIA_ROOT},
    ),
    path("", include("masthead.distribution.urls")),  # search, mirrors.json
    path("", include(wagtail_urls)),
]
