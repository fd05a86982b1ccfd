from django.conf import settings
from django.urls import include, path, re_path, register_converter
from django.urls.converters import SlugConverter
from django.views.decorators.cache import cache_control
from django.views.static import serve as serve_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from masthead.core.editions import edition_urlpatterns
from masthead.distribution import views as distribution_views
from masthead.project import health
from masthead.publishing import feeds, sitemaps, views


class UnicodeSlugConverter(SlugConverter):
    """Tags and authors may have slugs in any script ("москва"): Django's ``slug`` is ASCII."""

    regex = r"[-\w]+"


register_converter(UnicodeSlugConverter, "uslug")

# The same for every language edition.
site_patterns = [
    path("healthz", health.healthz, name="healthz"),
    # Second factors (masthead.accounts) live under the admin's prefix, before Wagtail's own.
    path("admin/second-factor/passkeys/", include("masthead.accounts.passkey_urls")),
    path("admin/second-factor/", include("masthead.accounts.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # django-anymail's webhooks: bounces, complaints (tracking) and unsubscribe mails (inbound),
    # each served only while the secret that proves its sender is configured. One address,
    # whatever the language: the mail service is given it once.
    path("newsletter/anymail/", include("masthead.newsletters.webhooks")),
    path("payments/", include("masthead.payments.urls")),
    path("appeals/", include("masthead.appeals.urls")),
    path("figures/", include("masthead.figures.urls")),
    path("robots.txt", views.robots_txt),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("sitemaps/pages-<int:number>.xml", sitemaps.sitemap_part, name="sitemap-part"),
    path("sitemaps/listings.xml", sitemaps.sitemap_listings, name="sitemap-listings"),
    path("news-sitemap.xml", sitemaps.news_sitemap),
    # Uploaded images. In production a web server or object storage serves them instead.
    re_path(
        r"^media/(?P<path>.*)$",
        cache_control(max_age=86400, public=True)(serve_file),
        {"document_root": settings.MEDIA_ROOT},
    ),
    path("", include("masthead.distribution.urls")),  # mirrors, the search index
]

# Each language edition's pages, archive, feeds, newsletter and support pages: the default's at
# the root, another's under its code (/ru/…), the language being active by then (core.editions). Wagtail gives a page in
# another locale its /ru/ address by reversing these with the page's language active.
edition_patterns = [
    # The reader's newsletter and support pages, forms and the links emails give (confirm,
    # unsubscribe, manage, pay, thanks): /ru/newsletter/… in Russian; the default edition's
    # addresses are the ones they always were. Payment providers' webhooks stay under payments/.
    path("newsletter/", include("masthead.newsletters.urls")),
    path("support/", include("masthead.supporters.urls")),
    path("feeds/rss.xml", feeds.ArticlesFeed(), name="feed-rss"),
    path("feeds/atom.xml", feeds.ArticlesAtomFeed(), name="feed-atom"),
    path("feeds/<slug:section>/rss.xml", feeds.ArticlesFeed(), name="section-feed-rss"),
    path("feeds/<slug:section>/atom.xml", feeds.ArticlesAtomFeed(), name="section-feed-atom"),
    # An author's and a tag's articles in this edition: /authors/…, /ru/authors/….
    path("authors/<uslug:slug>/", views.author_detail, name="author"),
    path("authors/<uslug:slug>/page/<int:number>/", views.author_detail, name="author-page"),
    path("tags/<uslug:slug>/", views.tag_detail, name="tag"),
    path("tags/<uslug:slug>/page/<int:number>/", views.tag_detail, name="tag-page"),
    path("search/", distribution_views.search_page, name="search"),
    path("archive/", views.archive, name="archive"),
    path("archive/page/<int:number>/", views.archive, name="archive-page"),
    path("", include(wagtail_urls)),
]
urlpatterns = site_patterns + edition_urlpatterns(edition_patterns)
