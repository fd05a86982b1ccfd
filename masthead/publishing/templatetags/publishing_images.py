"""Wagtail's ``image`` and ``srcset_image`` tags, whose nodes make their filters once.

Wagtail's nodes make new ``Filter`` objects at every render, and each one parses its spec
again (every registered image operation, the arguments of each) to find its cache key: for
a teaser's photo that was more than the rest of the teaser. A filter holds nothing but its
spec and that parse, so these nodes make theirs when the template is compiled and use them
for every render. Same arguments, same markup: load this library instead of
``wagtailimages_tags``.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags as wagtail

register = template.Library()


class ImageNode(wagtail.ImageNode):
    def get_filter(self):
        if "_filter" not in self.__dict__:
            self._filter = super().get_filter()
        return self._filter


class SrcsetImageNode(wagtail.SrcsetImageNode):
    def get_filters(self):
        if "_filters" not in self.__dict__:
            self._filters = super().get_filters()
        return self._filters


_NODES = {wagtail.ImageNode: ImageNode, wagtail.SrcsetImageNode: SrcsetImageNode}


def image(parser, token):
    """Parsed by Wagtail's own parser, so the tags take exactly its arguments."""
    node = wagtail.image(parser, token)
    return _NODES[type(node)](
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )


register.tag("image", image)
register.tag("srcset_image", image)
