"""Content for tests of the language editions' listings: one author and an article with two
tags, translated into Russian without one of them (``two_editions`` must be active)."""

from __future__ import annotations

from wagtail.models import Locale

from masthead.publishing.tests import factories


def _publish(page):
    page.save_revision().publish(skip_permission_checks=True)
    page.refresh_from_db()
    return page


class Listings:
    def __init__(self):
        self.author = factories.author(name="Ana Reporter")
        self.politics = factories.section(title="Politics")
        self.article = factories.article(
            parent=self.politics,
            title="Elections postponed",
            authors=[self.author],
            tags=["vote", "english-only"],
        )
        self.ru = Locale.objects.create(language_code="ru")
        for page in (factories.home(), self.politics):
            _publish(page.specific.copy_for_translation(self.ru))
        ru_article = self.article.specific.copy_for_translation(self.ru)
        ru_article.title = "Выборы отложены"
        ru_article.tags.remove("english-only")
        ru_article.save()
        self.ru_article = _publish(ru_article)
