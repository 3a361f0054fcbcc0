"""Stories on other apps' pages, without those apps importing this one: an activity page shows
the stories from it with `{% stories_about page %}`."""

from django import template

from stories.models import stories_about as live_stories_about

register = template.Library()


@register.inclusion_tag("stories/stories_about.html")
def stories_about(activity):
    return {"stories": live_stories_about(activity)}
