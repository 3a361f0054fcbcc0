"""`{% picture %}` as Wagtail's, with each width listed once in a srcset.

Wagtail never enlarges an image: an upload narrower than the widths a template asks for
(`width-{480,800,1200}`) gives renditions of the same width, and Wagtail's tag lists each of
them ("… 640w, … 640w"), which browsers may ignore and the HTML checker refuses
(wagtail/wagtail#12389). Load this library after wagtailimages_tags, or instead of it."""

from django import template
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags import wagtailimages_tags

register = template.Library()


class PictureOfDistinctWidths(Picture):
    @classmethod
    def get_width_srcset(cls, renditions_list):
        # The first rendition of each width: the one the smallest requested size made.
        by_width = {}
        for rendition in renditions_list:
            by_width.setdefault(rendition.width, rendition)
        return super().get_width_srcset(list(by_width.values()))


class PictureNode(wagtailimages_tags.PictureNode):
    def render(self, context):
        image = self.validate_image(context)
        if not image:
            return ""
        renditions = get_renditions_or_not_found(image, self.get_filters())
        if self.output_var_name:
            context[self.output_var_name] = PictureOfDistinctWidths(renditions)
            return ""
        attrs = {name: value.resolve(context) for name, value in self.attrs.items()}
        return PictureOfDistinctWidths(renditions, attrs).__html__()


@register.tag
def picture(parser, token):
    node = wagtailimages_tags.image(parser, token)  # Wagtail's parsing and its errors
    return PictureNode(
        node.image_expr, node.filter_specs, attrs=node.attrs, output_var_name=node.output_var_name
    )
