"""The guide's default text no longer types the time limits by hand: the page renders them from the
rule table (``texts.guide_time_limits``). A guide page still carrying the old default intro or body
(matched by its hash, so an editor's own text is never touched) gets the new default, in the page
row and in any revision that holds it."""

import hashlib

from django.db import migrations

from publicsite import content

OLD_DEFAULTS = {
    "vi": {
        "intro": "b72116e7cfb7862ecb56d162b40971b8afba434e4c7ff2c892026de58c1922f8",
        "body": "c4380e6e69fb04cfa8b174c94a777a98f05de126c0b557697790fe81c6fb63be",
    },
    "en": {
        "intro": "817f1cef4a1bd20572a2c4e8adce5dbef3cbca7fda67ceca19dad2d416b7638c",
        "body": "38de8babcfd499438c6ecd9e2b0242bcfcdb08ac5c112ccea38edf8084ea1275",
    },
}


def _digest(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


def _replacements(fields):
    """{field: new text} for the fields of ``fields`` that hold an old default."""
    found = {}
    for lang, hashes in OLD_DEFAULTS.items():
        for name, digest in hashes.items():
            if _digest(fields.get(name)) == digest:
                found[name] = content.GUIDE[lang][name]
    return found


def refresh_guides(apps, schema_editor):
    GuidePage = apps.get_model("publicsite.GuidePage")
    Revision = apps.get_model("wagtailcore.Revision")
    for page in GuidePage.objects.all():
        new = _replacements({"intro": page.intro, "body": page.body})
        if new:
            GuidePage.objects.filter(pk=page.pk).update(**new)
        for revision in Revision.objects.filter(
            object_id=str(page.pk),
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
        ):
            data = revision.content or {}
            changed = _replacements(data)
            if changed:
                revision.content = {**data, **changed}
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("publicsite", "0004_create_service_pages"),
        ("wagtailcore", "0091_remove_revision_submitted_for_moderation"),
    ]

    operations = [migrations.RunPython(refresh_guides, migrations.RunPython.noop)]
