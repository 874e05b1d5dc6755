"""FirmClass.flags: every typology flag by id (issue 14: flags are the definition's); the
indicator field holds the questions' tables' question:<name>=<code> too. Existing rows get
their flags from the old columns."""

from django.db import migrations, models


def fill_flags(apps, schema_editor):
    FirmClass = apps.get_model("builds", "FirmClass")
    batch = []
    for c in FirmClass.objects.all().only("id", "top", "frugal", "micro_veteran").iterator():
        c.flags = {"top": c.top, "frugal": c.frugal, "micro_veteran": c.micro_veteran}
        batch.append(c)
        if len(batch) >= 2000:
            FirmClass.objects.bulk_update(batch, ["flags"])
            batch = []
    if batch:
        FirmClass.objects.bulk_update(batch, ["flags"])


class Migration(migrations.Migration):
    dependencies = [("builds", "0003_firm_weight")]

    operations = [
        migrations.AddField(
            model_name="firmclass",
            name="flags",
            field=models.JSONField(blank=True, default=dict, verbose_name="typology flags"),
        ),
        migrations.AlterField(
            model_name="buildestimate",
            name="indicator",
            field=models.CharField(max_length=200, verbose_name="indicator"),
        ),
        migrations.RunPython(fill_flags, migrations.RunPython.noop),
    ]
