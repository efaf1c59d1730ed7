"""Make sure the site tree exists: Wagtail's root page, the Vietnamese and English locales, the
HomePage and the default Site. Idempotent. The data migration does the same on a fresh database;
this also repairs a database whose rows were flushed (transactional tests, a manual flush)."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

HOME_TITLE = "Tiếp nhận khiếu nại, tố cáo"
HOME_INTRO = "Gửi và theo dõi đơn khiếu nại, tố cáo, kiến nghị, phản ánh trực tuyến."


@transaction.atomic
def ensure_site():
    from .models import HomePage

    vi, _ = Locale.objects.get_or_create(language_code="vi")
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=vi))
    home = HomePage.objects.filter(depth=2, locale=vi).first()
    if home is None:
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home", locale=vi, intro=HOME_INTRO))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    return home
