"""The reception page in Vietnamese and English under each home page (texts from
publicsite/content.py). Written with the historical models and treebeard paths by hand, as 0004;
setup.ensure_site() makes the same page on a flushed database."""

import importlib

from django.db import migrations

from publicsite import content

# The tree helper of the earlier data migration (its module name starts with a digit).
_helpers = importlib.import_module("publicsite.migrations.0004_create_service_pages")


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("publicsite.HomePage")
    vi = Locale.objects.filter(language_code="vi").first()
    en = Locale.objects.filter(language_code="en").first()
    if vi is None or en is None:
        return
    homes = {vi.pk: HomePage.objects.filter(depth=2, locale=vi).first(), en.pk: HomePage.objects.filter(depth=2, locale=en).first()}
    if None in homes.values():
        return  # ensure_site() repairs such a database
    for model_name, texts in content.LATER_PAGES:
        model = apps.get_model("publicsite", model_name)
        ct = ContentType.objects.get_or_create(app_label="publicsite", model=model_name)[0]
        fields = [f.name for f in model._meta.get_fields()]
        vi_page = model.objects.filter(locale=vi).first()
        for locale in (vi, en):
            if model.objects.filter(locale=locale).exists():
                continue
            text = texts[locale.language_code]
            extra = {k: v for k, v in text.items() if k not in ("slug", "title") and k in fields}
            page = _helpers._add_child(
                Page,
                homes[locale.pk],
                model,
                ct,
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
    dependencies = [("publicsite", "0006_reception_page")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
