"""Teasers: one rendering per article and scope, whatever the heading level."""

import pytest

from masthead.core import memo
from masthead.publishing.templatetags import publishing_tags
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lead", [False, True])
@pytest.mark.parametrize("heading_tag", ["h2", "h3", "h4"])
def test_a_teaser_made_from_another_level_is_the_one_rendered_for_it(heading_tag, lead):
    world = factories.section(title="World")
    story = factories.article(
        parent=world,
        title="Bridge <h2> reopens </h2> & more",  # escaped: no tag for the renaming to find
        standfirst="A </h2> in the standfirst",
        authors=[factories.author(name="Ana Reporter")],
    )
    direct = publishing_tags._teaser_rendered(story, heading_tag, lead)
    with memo.scope(fresh=True):
        publishing_tags.teaser_html(story, "h2", lead)  # the level it is made from, first
        made = publishing_tags.teaser_html(story, heading_tag, lead)
    assert made == direct
    assert f'<{heading_tag} class="teaser__headline">' in made
    assert hasattr(made, "__html__")  # safe: the tag must not escape it


def test_a_build_renders_each_teaser_once_and_reuses_it(monkeypatch):
    world = factories.section(title="World")
    stories = [factories.article(parent=world, title=f"Story {n}") for n in range(3)]
    calls = []
    original = publishing_tags._teaser_rendered

    def counting(article, heading_tag, lead):
        calls.append((article.pk, heading_tag, lead))
        return original(article, heading_tag, lead)

    monkeypatch.setattr(publishing_tags, "_teaser_rendered", counting)
    with memo.scope(fresh=True):
        publishing_tags.teasers_prerender(stories)
        rendered = len(calls)
        for story in stories:
            publishing_tags.teaser_html(story, "h2")
            publishing_tags.teaser_html(story, "h3")
    assert rendered == 3
    assert calls == [(s.pk, "h2", False) for s in stories]
