"""The English home page and the four service pages (intake, tracking, statistics, guide) in
Vietnamese and English. Historical models have no tree API, so paths are written by hand in
treebeard's format (4 base-36 digits per level). The texts come from publicsite/content.py
(plain data); setup.ensure_site() recreates the same pages on a flushed database."""

from django.db import migrations
from django.utils import timezone

from publicsite import content

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(n):
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = _ALPHABET[r] + digits
    return digits.rjust(4, "0")


def _add_child(Page, parent, model, content_type, *, slug, title, **fields):
    siblings = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-4:], 36) + 1 if last else 1
    now = timezone.now()
    page = model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=parent.path + _step(number),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        live=True,
        first_published_at=now,
        last_published_at=now,
        **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=siblings.count())
    return page


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("publicsite.HomePage")

    vi, _ = Locale.objects.get_or_create(language_code="vi")
    en, _ = Locale.objects.get_or_create(language_code="en")
    home_vi = HomePage.objects.filter(depth=2, locale=vi).first()
    if home_vi is None:  # 0002 made it; a database without it is repaired by ensure_site()
        return
    if not home_vi.body:
        home_vi.body = content.HOME["vi"]["body"]
        home_vi.save(update_fields=["body"])
    root = Page.objects.get(depth=1)

    def ct(model_name):
        return ContentType.objects.get_or_create(app_label="publicsite", model=model_name)[0]

    home_en = HomePage.objects.filter(depth=2, locale=en).first()
    if home_en is None:
        text = content.HOME["en"]
        home_en = _add_child(
            Page,
            root,
            HomePage,
            ct("homepage"),
            slug=text["slug"],
            title=text["title"],
            intro=text["intro"],
            body=text["body"],
            locale=en,
            translation_key=home_vi.translation_key,
        )

    for model_name, texts in content.CHILD_PAGES:
        model = apps.get_model("publicsite", model_name)
        fields = [f.name for f in model._meta.get_fields()]
        vi_page = model.objects.filter(locale=vi).first()
        for locale, home in ((vi, home_vi), (en, home_en)):
            if model.objects.filter(locale=locale).exists():
                continue
            text = texts[locale.language_code]
            extra = {k: v for k, v in text.items() if k not in ("slug", "title") and k in fields}
            page = _add_child(
                Page,
                home,
                model,
                ct(model_name),
                slug=text["slug"],
                title=text["title"],
                locale=locale,
                show_in_menus=True,
                **({"translation_key": vi_page.translation_key} if vi_page is not None else {}),
                **extra,
            )
            if locale == vi:
                vi_page = page


class Migration(migrations.Migration):
    dependencies = [("publicsite", "0003_service_pages"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
