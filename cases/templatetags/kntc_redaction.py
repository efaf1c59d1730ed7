"""``{% shown case "subject" %}``: a case's free text as the current user may read it (identity
a citizen typed masked for those without the identity permission; ``cases.redaction``)."""

from django import template

from cases import redaction

register = template.Library()


@register.simple_tag(takes_context=True)
def shown(context, case, field: str):
    request = context.get("request")
    return redaction.for_viewer(case, getattr(request, "user", None), getattr(case, field, ""))
