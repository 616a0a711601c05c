"""Template tags every Django template may use."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, name):
    """Render a template shared with the Jinja2 pages (the header, the footer) here.

    The page's context goes with it; the Jinja2 engine adds the request's own (the
    user, messages, the CSRF input) as it does for its pages.
    """
    template = engines["jinja2"].get_template(name)
    html = template.render(context.flatten(), request=context.get("request"))
    return mark_safe(html)  # noqa: S308 -- Jinja2 escaped every value in it
