from django import template

from contacts.models import ContactPerson, Office

register = template.Library()


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    return {
        "offices": Office.objects.all(),
        "people": ContactPerson.objects.filter(show_in_footer=True),
        "request": context.get("request"),
    }
