"""Editors set up appeals in the Wagtail admin, preview each variant on a real article, and
read the results."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from masthead.accounts.testing import sign_in_verified
from masthead.appeals.models import Appeal, VariantCounter
from masthead.appeals.tests import factories
from masthead.publishing.tests import factories as pages

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/snippets/appeals/appeal/add/"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "x" * 20)
    sign_in_verified(client, user)
    return user


def variant_data(**fields):
    return {
        "key": "",
        "weight": 1,
        "heading": "Help us keep going",
        "message": rich_text("<p>We need you.</p>"),
        "frequency": "monthly",
        "amount": "5",
        "currency": "USD",
        **fields,
    }


def appeal_data(*, variants, **fields):
    return nested_form_data(
        {
            "name": "Spring drive",
            "enabled": "on",
            "placement": "article",
            "starts_at": "",
            "ends_at": "",
            "audience": "non_supporters",
            "min_articles": 3,
            "min_articles_days": 30,
            "cap_views": 4,
            "cap_days": 30,
            "priority": 0,
            "variants": inline_formset(variants),
            **fields,
        }
    )


def test_editor_creates_an_appeal_with_two_variants(client, editor):
    politics = pages.section(title="Politics")
    response = client.post(
        ADD_URL,
        appeal_data(
            variants=[variant_data(weight=1), variant_data(heading="Give yearly", weight=3)],
            placement="dialog",
        )
        | {"include_sections": [politics.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.placement == "dialog"
    assert list(appeal.include_sections.all()) == [politics]
    assert [(v.key, v.weight) for v in appeal.variants.all()] == [("a", 1), ("b", 3)]
    assert ModelLogEntry.objects.filter(object_id=str(appeal.pk), action="wagtail.create").exists()
    published = json.loads(client.get("/appeals/active.json").content)
    assert [v["key"] for v in published["appeals"][0]["variants"]] == ["a", "b"]


def test_the_form_says_what_is_wrong(client, editor):
    no_variant = client.post(ADD_URL, appeal_data(variants=[]))
    assert no_variant.status_code == 200
    assert "Add at least one variant" in no_variant.content.decode() or "at least 1" in (
        no_variant.content.decode()
    )
    same_key = client.post(
        ADD_URL, appeal_data(variants=[variant_data(key="a"), variant_data(key="a")])
    )
    assert "Two variants share the key a" in same_key.content.decode()
    bad_dates = client.post(
        ADD_URL,
        appeal_data(
            variants=[variant_data()],
            starts_at="2030-05-01 10:00",
            ends_at="2030-04-01 10:00",
        ),
    )
    assert "The end must come after the start" in bad_dates.content.decode()
    all_paused = client.post(ADD_URL, appeal_data(variants=[variant_data(weight=0)]))
    assert "weight above 0" in all_paused.content.decode()
    assert not Appeal.objects.exists()


def test_editing_keeps_the_variants_counters(client, editor):
    appeal = factories.appeal()
    a, b = appeal.variants.all()
    VariantCounter.objects.create(variant=b, views=70)
    response = client.post(
        f"/admin/snippets/appeals/appeal/edit/{appeal.pk}/",
        appeal_data(
            name="Renamed",
            variants=[
                variant_data(id=a.pk, key="a", heading="New words"),
                variant_data(id=b.pk, key="b"),
            ],
        )
        | {"variants-INITIAL_FORMS": "2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    appeal.refresh_from_db()
    assert appeal.name == "Renamed"
    assert appeal.variants.get(key="a").heading == "New words"
    assert VariantCounter.objects.get(variant=b).views == 70


def test_preview_shows_each_variant_on_a_real_article(client, editor):
    story = pages.article(parent=pages.section(title="Politics"), title="Bridge reopens")
    appeal = factories.appeal(
        placement="dialog",
        variants=[factories.variant(heading="First words"), factories.variant(heading="Second")],
    )
    for key, heading in (("a", "First words"), ("b", "Second")):
        response = client.get(f"/appeals/preview/{appeal.pk}/{key}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Bridge reopens</h1>" in html
        data = json.loads(
            re.search(r'<script id="appeals-preview" type="application/json">(.*?)</script>', html)[
                1
            ]
        )
        (entry,) = data["appeals"]
        assert [v["key"] for v in entry["variants"]] == [key]
        assert heading in entry["variants"][0]["html"]
        assert "private" in response["Cache-Control"]
    chosen = client.get(f"/appeals/preview/{appeal.pk}/a/?article={story.pk}")
    assert chosen.status_code == 200
    assert client.get(f"/appeals/preview/{appeal.pk}/z/").status_code == 404
    # Not a variant key at all (a NUL is refused by PostgreSQL in a query): 404, not a crash.
    for junk in ("%00", "a%00", "a%0A", "A"):
        assert client.get(f"/appeals/preview/{appeal.pk}/{junk}/").status_code == 404, junk
    assert client.get(f"/appeals/preview/{appeal.pk}/a/?article=nope").status_code == 404


def test_live_preview_in_the_editor_shows_unsaved_words(client, editor):
    pages.article(parent=pages.section(), title="Bridge reopens")
    appeal = factories.appeal()
    preview_url = f"/admin/snippets/appeals/appeal/preview/{appeal.pk}/"
    data = appeal_data(
        variants=[
            variant_data(id=v.pk, key=v.key, heading=f"Unsaved {v.key}")
            for v in appeal.variants.all()
        ]
    ) | {"variants-INITIAL_FORMS": "2"}
    assert client.post(preview_url, data).json()["is_valid"]
    html = client.get(preview_url, {"mode": "1"}).content.decode()
    assert "Bridge reopens</h1>" in html
    assert "Unsaved b" in html and "Unsaved a" not in html
    assert Appeal.objects.get().variants.get(key="b").heading != "Unsaved b"


def test_preview_is_for_editors_only(client):
    pages.article(parent=pages.section())
    appeal = factories.appeal()
    response = client.get(f"/appeals/preview/{appeal.pk}/a/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    reader = get_user_model().objects.create_user("reader", "r@example.org", "x" * 20)
    sign_in_verified(client, reader)
    assert client.get(f"/appeals/preview/{appeal.pk}/a/").status_code == 403


def test_results_page_shows_rates_intervals_and_the_winner(client, editor):
    from decimal import Decimal

    from masthead.appeals import services

    appeal = factories.appeal()
    a, b = appeal.variants.all()
    VariantCounter.objects.create(variant=a, views=1000, clicks=40)
    VariantCounter.objects.create(variant=b, views=1000, clicks=80)
    for key, n in (("a", 15), ("b", 30)):
        for _ in range(n):
            services.appeal_contribution_record(
                campaign=f"appeal-{appeal.pk}-{key}", amount=Decimal(10), currency="USD"
            )
    html = client.get(f"/admin/snippets/appeals/appeal/inspect/{appeal.pk}/").content.decode()
    assert "Winner: variant b" in html
    assert "3.00\u00a0%" in html  # b's conversion rate
    assert "USD 300.00" in html  # b's revenue per 1,000 views
    assert f"/appeals/preview/{appeal.pk}/b/" in html
    listing = client.get("/admin/snippets/appeals/appeal/").content.decode()
    assert "Results" in listing and appeal.name in listing
