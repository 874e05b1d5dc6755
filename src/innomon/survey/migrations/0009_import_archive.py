"""Imports keep the raw file (archive, checksum), the mapping's checksum and the counts of the
tool's metadata; a response knows the import that last wrote it; doubles in quarantine are
held together (group); a re-imported file replaces its batch (replaced_by)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('survey', '0008_wave_questionnaire'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='archive',
            field=models.CharField(blank=True, max_length=500, verbose_name='archived file'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='changed',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='doubles',
            field=models.PositiveIntegerField(default=0, verbose_name='double submits counted once'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='mapping_file',
            field=models.CharField(blank=True, max_length=255, verbose_name='mapping file'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='mapping_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='mapping checksum (SHA-256)'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='partial',
            field=models.PositiveIntegerField(default=0, verbose_name='partial responses stored'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='previews',
            field=models.PositiveIntegerField(default=0, verbose_name='survey previews'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='removed',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='replaced_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replaced', to='survey.importbatch', verbose_name='replaced by'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='spam',
            field=models.PositiveIntegerField(default=0, verbose_name='spam'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='superseded',
            field=models.PositiveIntegerField(default=0, verbose_name='partial responses superseded'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='tests',
            field=models.PositiveIntegerField(default=0, verbose_name='survey tests'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='unaccounted',
            field=models.JSONField(blank=True, default=list, verbose_name='unaccounted columns'),
        ),
        migrations.AddField(
            model_name='quarantinedrow',
            name='group',
            field=models.CharField(blank=True, max_length=80, verbose_name='held with'),
        ),
        migrations.AddField(
            model_name='response',
            name='import_batch',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responses', to='survey.importbatch', verbose_name='import'),
        ),
    ]
