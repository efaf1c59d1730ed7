from django import template

from cases.admin.common import user_display

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """Vietnamese order: family and middle names, then the given name ("Phạm Minh Tuấn")."""
    return user_display(user) if user else ""
