"""The region of each audit event (who reads it: a city's office its city's events and the deployment-wide ones).

Existing events get the region of their object where the object still exists, through the object's model's
``AccessPolicy.region_path`` (read from the live model: the historical one carries no access policy); events of a
deleted object, or of a model bound to no place, stay empty (the whole deployment). Existing events keep hash scheme
2 (``hash_scheme`` = 2: the region is not in their hash), so no stored hash changes and the chain verifies as before;
events written from now on use scheme 3, whose hash covers the region.

Going back (migrating to 0003) drops both columns: the events written with scheme 3 no longer verify under the
previous version (their hash covers the region); verify the chain before going back and expect it to stop at the
first of them.
"""

import django.db.models.deletion
from django.apps import apps as live_apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import migrations, models

BATCH = 1000


def _region_path(object_type):
    try:
        model = live_apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    return getattr(getattr(model, "access_policy", None), "region_path", None)


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    types = AuditEvent.objects.filter(region__isnull=True).order_by().values_list("object_type", flat=True).distinct()
    for object_type in list(types):
        path = _region_path(object_type)
        if not path:
            continue
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        ids = list(AuditEvent.objects.filter(object_type=object_type, region__isnull=True).order_by()
                   .values_list("object_id", flat=True).distinct())
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            try:
                rows = list(model._base_manager.filter(pk__in=chunk).values_list("pk", path))
            except (FieldError, ValueError, TypeError):
                break  # the path's field is not in this historical state, or ids of another type: leave them empty
            regions = {}
            for pk, code in rows:
                regions.setdefault(str(pk), set()).add(code)
            by_region = {}
            for pk, codes in regions.items():
                codes.discard(None)
                if len(codes) == 1:  # a record across several regions stays the deployment's
                    by_region.setdefault(codes.pop(), []).append(pk)
            for code, pks in by_region.items():
                AuditEvent.objects.filter(object_type=object_type, object_id__in=pks).update(region_id=code)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_hash_covers_every_field'),
        ('regions', '0001_initial'),
        # the models that got their own region column in this change, so the backfill reads it
        ('cases', '0003_incidentcase_region'),
        ('emf', '0002_monitoringresult_region'),
        ('spectrum', '0002_interferencecomplaint_region'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='region',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='regions.region', verbose_name='region'),
        ),
        # the events stored so far keep scheme 2; new ones get scheme 3 (the model's default)
        migrations.AddField(
            model_name='auditevent',
            name='hash_scheme',
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash_scheme',
            field=models.PositiveSmallIntegerField(default=3, editable=False),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['region', 'seq'], name='audit_event_region_seq'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
