"""``/appeals/active.json``: every rule an editor sets reaches the browser, the file is the same
for every reader, and an edit replaces the cached copy at once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from masthead.appeals.models import Appeal, AppealVariant, Audience, Placement
from masthead.appeals.tests import factories
from masthead.publishing.tests import factories as pages

pytestmark = pytest.mark.django_db


def published(client) -> dict:
    response = client.get("/appeals/active.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_rules_an_editor_sets_reach_the_browser(client):
    politics = pages.section(title="Politics")
    culture = pages.section(title="Culture")
    pages.article(parent=politics, tags=["elections", "courts"])
    starts = timezone.now() + timedelta(days=1)
    ends = starts + timedelta(days=30)
    appeal = factories.appeal(
        placement=Placement.BANNER,
        audience=Audience.EVERYONE,
        starts_at=starts,
        ends_at=ends,
        include_sections=[politics],
        exclude_sections=[culture],
        min_articles=3,
        min_articles_days=14,
        cap_views=2,
        cap_days=7,
        variants=[factories.variant(key="a", weight=3), factories.variant(key="b", weight=1)],
    )
    from taggit.models import Tag

    appeal.include_tags = [Tag.objects.get(name="elections")]
    appeal.exclude_tags = [Tag.objects.get(name="courts")]
    appeal.save()

    (entry,) = published(client)["appeals"]
    assert entry["id"] == appeal.pk
    assert entry["placement"] == "banner"
    assert entry["audience"] == "everyone"
    assert entry["from"] == int(starts.timestamp() * 1000)
    assert entry["until"] == int(ends.timestamp() * 1000)
    assert entry["sections"] == {"only": ["politics"], "never": ["culture"]}
    assert entry["tags"] == {"only": ["elections"], "never": ["courts"]}
    assert (entry["minArticles"], entry["minArticlesDays"]) == (3, 14)
    assert (entry["cap"], entry["capDays"]) == (2, 7)
    assert [(v["key"], v["weight"]) for v in entry["variants"]] == [("a", 3), ("b", 1)]


def test_defaults_cap_at_four_views_per_thirty_days_after_the_article(client):
    factories.appeal()
    (entry,) = published(client)["appeals"]
    assert entry["placement"] == "article"
    assert entry["audience"] == "non_supporters"
    assert (entry["cap"], entry["capDays"]) == (4, 30)


def test_each_variant_carries_its_own_contribution_choice_and_campaign_code(client):
    appeal = factories.appeal(
        variants=[
            factories.variant(key="a", heading="Give monthly", frequency="monthly", amount=5),
            factories.variant(key="b", heading="Give yearly", frequency="annual", amount=50),
        ]
    )
    a, b = published(client)["appeals"][0]["variants"]
    assert "Give monthly" in a["html"] and "Give yearly" in b["html"]
    assert f'name="campaign" value="appeal-{appeal.pk}-a"' in a["html"]
    assert f'name="campaign" value="appeal-{appeal.pk}-b"' in b["html"]
    assert 'value="monthly" checked' in a["html"]
    assert 'value="annual" checked' in b["html"]
    assert 'name="amount" value="5"' in a["html"]
    assert 'name="amount" value="50"' in b["html"]
    for variant in (a, b):
        assert "Not ready to support today?" in variant["html"]
        assert "Remind me later" in variant["html"]
        assert "style=" not in variant["html"]  # the page's CSP forbids inline styles


def test_a_thank_you_for_supporters_asks_for_nothing(client):
    factories.appeal(audience=Audience.SUPPORTERS, variants=[factories.variant(heading="Thanks")])
    (variant,) = published(client)["appeals"][0]["variants"]
    assert "Thanks" in variant["html"]
    assert "<form" not in variant["html"]
    assert "Remind me later" not in variant["html"]


def test_dialog_is_titled_a_message_from_the_publication(client):
    from masthead.core.models import PublicationSettings

    publication = PublicationSettings.load()
    publication.name = "The Daily Test"
    publication.save()
    factories.appeal(placement=Placement.DIALOG)
    html = published(client)["appeals"][0]["variants"][0]["html"]
    assert html.startswith("<dialog")
    assert "A message from The Daily Test</h2>" in html
    assert "data-appeal-dismiss" in html


def test_only_appeals_that_can_still_be_shown_are_published(client):
    live = factories.appeal(name="live")
    factories.appeal(name="off", enabled=False)
    factories.appeal(name="over", ends_at=timezone.now() - timedelta(minutes=1))
    paused = factories.appeal(name="paused", variants=[factories.variant(weight=0)])
    later = factories.appeal(name="later", starts_at=timezone.now() + timedelta(days=3))
    ids = [entry["id"] for entry in published(client)["appeals"]]
    assert sorted(ids) == sorted([live.pk, later.pk])
    assert paused.pk not in ids


def test_appeals_come_in_the_order_the_browser_should_prefer_them(client):
    old_low = factories.appeal(priority=0)
    high = factories.appeal(priority=5)
    new_low = factories.appeal(priority=0)
    ids = [entry["id"] for entry in published(client)["appeals"]]
    assert ids == [high.pk, new_low.pk, old_low.pk]


def warm(client) -> None:
    """The first request creates settings rows (the payment methods' among them), which moves
    the page cache on; from the second request on, the file is served from the cache."""
    client.get("/appeals/active.json")


def test_file_is_the_same_for_everyone_and_may_be_cached(client):
    factories.appeal()
    warm(client)
    first = client.get("/appeals/active.json")
    client.cookies["mh_supporter"] = "until:2099-01-01"
    second = client.get("/appeals/active.json", HTTP_ACCEPT_LANGUAGE="ru")
    assert first.content == second.content
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert not first.cookies and "Vary" not in first
    assert second["X-Page-Cache"] == "hit"


def test_an_edit_replaces_the_cached_file_at_once(client):
    appeal = factories.appeal(variants=[factories.variant(heading="Before")])
    warm(client)
    assert "Before" in client.get("/appeals/active.json").content.decode()
    AppealVariant.objects.filter(appeal=appeal).update(heading="ignored")  # no signal: cached
    assert "Before" in client.get("/appeals/active.json").content.decode()
    variant = appeal.variants.get()
    variant.heading = "After"
    variant.save()
    assert "After" in client.get("/appeals/active.json").content.decode()
    Appeal.objects.get(pk=appeal.pk).delete()
    assert published(client)["appeals"] == []


def test_new_appeal_appears_at_once(client):
    assert published(client)["appeals"] == []
    factories.appeal()
    assert len(published(client)["appeals"]) == 1


def test_only_get_is_answered(client):
    assert client.post("/appeals/active.json").status_code == 405


def test_article_page_tells_the_script_its_section_and_tags_and_works_without_it(client):
    politics = pages.section(title="Politics")
    story = pages.article(parent=politics, tags=["elections", "courts"])
    html = client.get(story.url).content.decode()
    assert 'data-appeals="/appeals/active.json"' in html
    assert f'data-article="{story.pk}"' in html
    assert 'data-section="politics"' in html
    assert 'data-tags="courts elections"' in html or 'data-tags="elections courts"' in html
    # Without JavaScript: a plain link to the support page, and no appeal markup at all.
    assert 'href="/support/">Support' in html
    assert 'class="appeal container' not in html
    assert "/static/appeals/appeals." in html and "defer" in html
    assert "<script>" not in html  # no inline script


def test_article_page_is_the_same_whatever_appeals_exist(client):
    story = pages.article(parent=pages.section())
    before = client.get(story.url).content
    factories.appeal()
    factories.appeal(placement=Placement.DIALOG)
    assert client.get(story.url).content == before
