from django.db import migrations


def create_homepage(apps, schema_editor):
    """Replace Wagtail's default welcome page with our HomePage and point the default Site at it."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("publicsite.HomePage")

    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    locale, _ = Locale.objects.get_or_create(language_code="vi")
    homepage_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="publicsite")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Tiếp nhận khiếu nại, tố cáo",
        draft_title="Tiếp nhận khiếu nại, tố cáo",
        slug="home",
        content_type=homepage_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro="Gửi và theo dõi đơn khiếu nại, tố cáo, kiến nghị, phản ánh trực tuyến.",
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home, "port": 80}
    )


def remove_homepage(apps, schema_editor):
    apps.get_model("publicsite.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [("publicsite", "0001_homepage"), ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
