"""A whole-city run names its city (``region``) since a province deployment runs one city at a time: the runs of
before, in a city deployment, are the home city's. (In a province deployment they stay without a region: the
deployment's as a whole.)"""

from django.db import migrations


def city_runs_are_the_home_citys(apps, schema_editor):
    from rollout5g.platform.home import home_adcode

    Region = apps.get_model("regions", "Region")
    CoverageRun = apps.get_model("coverage", "CoverageRun")
    city = Region.objects.filter(pk=home_adcode(), level="city").first()
    if city is not None:
        CoverageRun.objects.filter(scope="city", region__isnull=True).update(region=city)


class Migration(migrations.Migration):

    dependencies = [
        ("coverage", "0003_domain_model_timestamps"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(city_runs_are_the_home_citys, migrations.RunPython.noop),
    ]
