"""The monitoringresult's own region (it had one only through its optional site): the site's region for the rows with a
site; rows without a site stay empty (the whole deployment) until someone names their region."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def from_site(apps, schema_editor):
    Row = apps.get_model("emf", "monitoringresult")
    Site = apps.get_model("sites", "Site")
    Row.objects.filter(site__isnull=False, region__isnull=True).update(
        region_id=Subquery(Site.objects.filter(pk=OuterRef("site_id")).values("region_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('emf', '0001_initial'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='monitoringresult',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='region'),
        ),
        migrations.RunPython(from_site, migrations.RunPython.noop, elidable=True),
    ]
