"""Site navigation and the language switch for every public page (Wagtail pages and plain views)."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()

# Query parameters worth keeping when switching language (never a secret: the key is never in a URL).
_KEEP = ("step", "ma", "authority", "year", "quarter")
_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def _home(language: str):
    from publicsite.models import HomePage

    return HomePage.objects.live().filter(depth=2, locale__language_code=language).first()


def _current_language() -> str:
    return (get_language() or settings.LANGUAGE_CODE)[:2]


@register.simple_tag(takes_context=True)
def site_menu(context):
    request = context.get("request")
    home = _home(_current_language())
    if home is None:
        return []
    items = []
    path = request.path if request else ""
    for child in home.get_children().live().in_menu():
        url = child.get_url(request)
        items.append({"title": child.title, "url": url, "active": bool(url and path.startswith(url))})
    return items


@register.simple_tag(takes_context=True)
def home_url(context):
    home = _home(_current_language())
    return home.get_url(context.get("request")) if home else "/"


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language: to this page's translation when there is one, else that home page."""
    request = context.get("request")
    page = context.get("page")
    current = _current_language()
    query = ""
    if request is not None:
        kept = {k: request.GET[k] for k in _KEEP if request.GET.get(k)}
        query = ("?" + urlencode(kept)) if kept else ""
    translations = {}
    if page is not None and hasattr(page, "get_translations"):
        for other in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[other.locale.language_code] = other.get_url(request)
    links = []
    for code, _name in settings.LANGUAGES:
        url = translations.get(code)
        if url:
            url += query
        else:
            home = _home(code)
            url = home.get_url(request) if home else "/"
        links.append({"code": code, "name": _NAMES.get(code, code), "url": url, "current": code == current})
    return links
