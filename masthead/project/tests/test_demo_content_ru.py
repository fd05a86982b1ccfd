"""The Russian edition's demo data holds together with the English one it mirrors.

Pure data, no database: the loader that seeds the Russian edition trusts these shapes, so a
broken slug or an English paragraph left behind shows up here rather than as a 500 or a page
in the wrong language.
"""

from __future__ import annotations

import re

import pytest

from masthead.project.demo import content, content_ru
from masthead.project.demo.images import SCENES

ENGLISH = {a["slug"]: a for a in content.ARTICLES}
RUSSIAN = {a["slug"]: a for a in content_ru.ARTICLES_RU}
SECTION_SLUGS = {s["slug"] for s in content.SECTIONS}
AUTHOR_SLUGS = {a["slug"] for a in content.AUTHORS}
TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Below this share of Cyrillic letters a text reads as English with a few Russian words; the
# practical pieces name VPN and Tor, which keeps their lowest paragraph near 0.95.
CYRILLIC_SHARE = 0.85


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)


def reader_texts(article: dict) -> list[str]:
    """What a reader reads as running text: headline, standfirst, paragraphs and quotes."""
    texts = [article["headline"], article["standfirst"]]
    for kind, value in article["body"]:
        if kind == "quote":
            texts += [value["text"], value["attribution"]]
        else:
            texts.append(value)
    return texts


def empty_paths(value, path: str = "") -> list[str]:
    """Every empty string, list or dict inside ``value``, by where it sits."""
    if isinstance(value, str):
        return [path] if not value.strip() else []
    if isinstance(value, dict):
        found = [path] if not value else []
        for key, item in value.items():
            if item is not None:  # None means "not set", as updated_hours_ago uses it
                found += empty_paths(item, f"{path}.{key}")
        return found
    if isinstance(value, list | tuple):
        found = [path] if not value and not path.endswith(".related") else []
        for index, item in enumerate(value):
            found += empty_paths(item, f"{path}[{index}]")
        return found
    return []


def test_the_edition_has_enough_articles_and_translations():
    assert len(content_ru.ARTICLES_RU) >= 12
    translations = [a for a in content_ru.ARTICLES_RU if "translation_of" in a]
    assert len(translations) >= 6
    originals = [a for a in content_ru.ARTICLES_RU if "translation_of" not in a]
    assert originals, "the edition also has stories written for readers inside the country"


def test_slugs_are_unique_latin_and_never_an_english_slug():
    slugs = [a["slug"] for a in content_ru.ARTICLES_RU]
    assert len(slugs) == len(set(slugs))
    assert not set(slugs) & set(ENGLISH)
    assert all(TAG.match(slug) for slug in slugs)


@pytest.mark.parametrize(
    "article",
    [a for a in content_ru.ARTICLES_RU if "translation_of" in a],
    ids=lambda a: a["slug"],
)
def test_a_translation_names_an_english_article_and_keeps_its_section(article):
    original = ENGLISH.get(article["translation_of"])
    assert original is not None, article["translation_of"]
    assert article["section"] == original["section"]


def test_each_english_article_is_translated_at_most_once():
    originals = [a["translation_of"] for a in content_ru.ARTICLES_RU if "translation_of" in a]
    assert len(originals) == len(set(originals))


def test_sections_mirror_the_english_sections():
    assert [s["slug"] for s in content_ru.SECTIONS_RU] == [s["slug"] for s in content.SECTIONS]
    for section in content_ru.SECTIONS_RU:
        assert cyrillic_share(section["title"] + section["intro"]) > CYRILLIC_SHARE


@pytest.mark.parametrize("article", content_ru.ARTICLES_RU, ids=lambda a: a["slug"])
def test_article_points_only_at_what_exists(article):
    assert article["section"] in SECTION_SLUGS
    assert article["authors"]
    assert set(article["authors"]) <= AUTHOR_SLUGS
    assert all(TAG.match(tag) for tag in article["tags"])
    assert set(article["related"]) <= set(RUSSIAN) - {article["slug"]}
    assert article["image"]["scene"] in SCENES


@pytest.mark.parametrize("article", content_ru.ARTICLES_RU, ids=lambda a: a["slug"])
def test_article_has_the_shape_the_loader_reads(article):
    english_keys = set(content.ARTICLES[0])
    assert english_keys <= set(article), english_keys - set(article)
    assert set(article) - english_keys <= {"translation_of"}
    assert set(article["image"]) == set(content.ARTICLES[0]["image"])
    assert 4 <= len(article["body"]) <= 7
    kinds = [kind for kind, _ in article["body"]]
    assert set(kinds) <= {"paragraph", "heading", "quote"}
    assert {"heading", "quote"} & set(kinds)
    for kind, value in article["body"]:
        if kind == "quote":
            assert set(value) == {"text", "attribution"}
        else:
            assert isinstance(value, str)
    assert article["hours_ago"] > 0
    updated = article["updated_hours_ago"]
    assert updated is None or 0 < updated < article["hours_ago"]
    assert empty_paths(article) == []


@pytest.mark.parametrize("article", content_ru.ARTICLES_RU, ids=lambda a: a["slug"])
def test_article_reads_in_russian_with_russian_quotes(article):
    for text in reader_texts(article):
        assert cyrillic_share(text) > CYRILLIC_SHARE, text
        assert not re.search(r"[\"']", text), text  # «…» and „…“, never typewriter quotes


def test_images_are_new():
    """A seed the English edition uses would draw the same picture twice."""
    seeds = [a["image"]["seed"] for a in content_ru.ARTICLES_RU]
    assert len(seeds) == len(set(seeds))
    assert not set(seeds) & {a["image"]["seed"] for a in content.ARTICLES}


def test_publication_newsletter_and_appeal_are_complete():
    assert set(content_ru.PUBLICATION_RU) == set(content.PUBLICATION)
    assert empty_paths(content_ru.PUBLICATION_RU) == []
    appeal_text = " ".join(content_ru.PUBLICATION_RU["appeal_text"])
    assert "от 2\u00a0долларов" in appeal_text
    for text in [content_ru.PUBLICATION_RU["about"], appeal_text]:
        assert cyrillic_share(text) > CYRILLIC_SHARE

    assert empty_paths(content_ru.NEWSLETTER_RU) == []
    assert content_ru.NEWSLETTER_RU["cadence"] == "weekly"
    assert content_ru.NEWSLETTER_RU["send_weekday"] == 4  # Friday

    assert empty_paths(content_ru.APPEAL_RU) == []
    variants = content_ru.APPEAL_RU["variants"]
    assert len({v["key"] for v in variants}) == len(variants) >= 1
    for variant in variants:
        assert variant["frequency"] in {"once", "monthly", "annual"}
        assert variant["amount"] >= 2
        for paragraph in variant["paragraphs"]:
            assert cyrillic_share(paragraph) > CYRILLIC_SHARE
