from django.db import migrations

from core.rerender import markdown_deriver, rerender_rows


def rerender(apps, schema_editor):
    """Stored HTML came from the previous Markdown renderer: render it again with the current one."""
    for model_name, sources in (("Week", ["intro"]), ("Paper", ["note"])):
        model = apps.get_model("papers", model_name)
        rerender_rows(
            model.objects.all(), derive=markdown_deriver(sources), derived_fields=[f"{s}_html" for s in sources]
        )


class Migration(migrations.Migration):
    dependencies = [("papers", "0002_markdown_budget")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
