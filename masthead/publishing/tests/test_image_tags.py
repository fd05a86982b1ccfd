"""``publishing_images``: Wagtail's image tags with their filters made once per node give
Wagtail's own markup, render after render."""

import pytest
from django.template import Context, Template

from masthead.publishing.tests import factories

TAGS = [
    '{% srcset_image photo fill-{400x225,800x450} format-webp sizes="100vw" alt="" %}',
    "{% image photo width-1200 format-jpeg alt=alt %}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("tag", TAGS)
def test_the_same_markup_as_wagtails_tags(tag):
    photo, other = factories.image(), factories.image(title="Other")
    ours = Template("{% load publishing_images %}" + tag)
    wagtails = Template("{% load wagtailimages_tags %}" + tag)
    rendered = []
    for image in (photo, other, photo):  # the node's filters serve every image
        context = {"photo": image, "alt": "A street"}
        expected = wagtails.render(Context(context))
        assert ours.render(Context(context)) == expected
        rendered.append(expected)
    assert rendered[0] == rendered[2] != rendered[1]
    assert rendered[0].startswith("<img")
