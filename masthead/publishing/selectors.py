"""Reads for the public site. Every listing shows live, public articles only."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from taggit.models import Tag

from masthead.publishing.models import ArticleAuthor, ArticlePage, Author, HomePage, SectionPage


def articles_live() -> QuerySet[ArticlePage]:
    """Published articles, newest first, with what a teaser needs loaded in few queries."""
    return (
        ArticlePage.objects.live()
        .public()
        .select_related("lead_image")
        .prefetch_related(
            Prefetch("article_authors", queryset=ArticleAuthor.objects.select_related("author")),
        )
        .order_by("-first_published_at", "-pk")
    )


def home_lead_article(*, home: HomePage) -> ArticlePage | None:
    if home.lead_article_id:
        lead = articles_live().filter(pk=home.lead_article_id).first()
        if lead:
            return lead
    return articles_live().first()


def sections_live() -> QuerySet[SectionPage]:
    return SectionPage.objects.live().public().order_by("path")


def home_sections_latest(
    *, exclude: ArticlePage | None, per_section: int
) -> list[tuple[SectionPage, list]]:
    result = []
    for section in sections_live():
        articles = articles_live().child_of(section)
        if exclude is not None:
            articles = articles.exclude(pk=exclude.pk)
        teasers = list(articles[:per_section])
        if teasers:
            result.append((section, teasers))
    return result


def articles_for_author(*, author: Author) -> QuerySet[ArticlePage]:
    return articles_live().filter(article_authors__author=author)


def articles_for_tag(*, tag: Tag) -> QuerySet[ArticlePage]:
    return articles_live().filter(tagged_items__tag=tag)


def article_read_more(*, article: ArticlePage, limit: int) -> list[ArticlePage]:
    """Editors' picks first; then articles sharing the most tags, then the same section."""
    chosen_ids = [link.article_id for link in article.related_links.all()]
    picks = {a.pk: a for a in articles_live().filter(pk__in=chosen_ids)}
    result = [picks[pk] for pk in chosen_ids if pk in picks][:limit]
    if len(result) >= limit:
        return result
    exclude = [article.pk, *(a.pk for a in result)]
    tag_ids = list(article.tags.values_list("pk", flat=True))
    if tag_ids:
        by_tags = (
            articles_live()
            .exclude(pk__in=exclude)
            .annotate(shared=Count("tagged_items", filter=Q(tagged_items__tag_id__in=tag_ids)))
            .filter(shared__gt=0)
            .order_by("-shared", "-first_published_at")
        )
        result += list(by_tags[: limit - len(result)])
        exclude += [a.pk for a in result]
    if len(result) < limit:
        parent = article.get_parent()
        if parent is not None:
            same_section = articles_live().child_of(parent).exclude(pk__in=exclude)
            result += list(same_section[: limit - len(result)])
    return result


def tags_in_use() -> QuerySet[Tag]:
    live_ids = ArticlePage.objects.live().public().values("pk")
    return (
        Tag.objects.filter(publishing_articletag_items__content_object_id__in=live_ids)
        .annotate(n=Count("publishing_articletag_items"))
        .order_by("name")
    )
