"""Make sure the site tree exists: Wagtail's root page, the Vietnamese and English locales, the
HomePage in both languages, the service pages (intake, tracking, statistics, guide) in both
languages and the default Site. Idempotent. The data migrations do the same on a fresh database;
this also repairs a database whose rows were flushed (transactional tests, a manual flush)."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from . import content

HOME_TITLE = content.HOME["vi"]["title"]
HOME_INTRO = content.HOME["vi"]["intro"]


def _page_models():
    from .models import GuidePage, IntakePage, ReceptionPage, StatisticsPage, TrackingPage

    return {
        "intakepage": IntakePage,
        "trackingpage": TrackingPage,
        "statisticspage": StatisticsPage,
        "guidepage": GuidePage,
        "receptionpage": ReceptionPage,
    }


@transaction.atomic
def ensure_site():
    from .models import HomePage

    vi, _ = Locale.objects.get_or_create(language_code="vi")
    en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=vi))
    home = HomePage.objects.filter(depth=2, locale=vi).first()
    if home is None:
        text = content.HOME["vi"]
        home = root.add_child(
            instance=HomePage(
                title=text["title"], slug=text["slug"], locale=vi, intro=text["intro"], body=text["body"]
            )
        )
    home_en = HomePage.objects.filter(depth=2, locale=en).first()
    if home_en is None:
        text = content.HOME["en"]
        home_en = root.add_child(
            instance=HomePage(
                title=text["title"],
                slug=text["slug"],
                locale=en,
                translation_key=home.translation_key,
                intro=text["intro"],
                body=text["body"],
            )
        )
    models = _page_models()
    for model_name, texts in [*content.CHILD_PAGES, *content.LATER_PAGES]:
        model = models[model_name]
        vi_page = model.objects.filter(locale=vi).first()
        for locale, parent in ((vi, home), (en, home_en)):
            if model.objects.filter(locale=locale).exists():
                continue
            text = texts[locale.language_code]
            page = model(locale=locale, show_in_menus=True, **text)
            if vi_page is not None:
                page.translation_key = vi_page.translation_key
            parent.add_child(instance=page)
            if locale == vi:
                vi_page = page
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home
