"""Each wave stores the XLSForm workbook it is asked with (bytes, file name, SHA-256 checksum;
``questionnaire_version`` becomes the version of its settings sheet). The waves that exist get
the packaged workbook, as it is when this migration runs."""

import hashlib

from django.db import migrations, models


def store_packaged_workbook(apps, schema_editor):
    Wave = apps.get_model("survey", "Wave")
    waves = Wave.objects.using(schema_editor.connection.alias).filter(questionnaire_sha256="")
    if not waves.exists():
        return
    from innomon.instrument import load_instrument
    from innomon.instrument.loader import WORKBOOK

    data = WORKBOOK.read_bytes()
    version = load_instrument(data=data, source=WORKBOOK.name).version
    waves.update(
        questionnaire=data,
        questionnaire_file=WORKBOOK.name,
        questionnaire_sha256=hashlib.sha256(data).hexdigest(),
        questionnaire_version=version,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0007_response_edit_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="questionnaire",
            field=models.BinaryField(
                default=b"", editable=False, verbose_name="questionnaire workbook"
            ),
        ),
        migrations.AddField(
            model_name="wave",
            name="questionnaire_file",
            field=models.CharField(blank=True, max_length=255, verbose_name="questionnaire file"),
        ),
        migrations.AddField(
            model_name="wave",
            name="questionnaire_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="questionnaire checksum (SHA-256)"
            ),
        ),
        migrations.RunPython(store_packaged_workbook, migrations.RunPython.noop),
    ]
