from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicatortarget",
            name="origin",
            field=models.CharField(
                choices=[("document", "Policy document"), ("office", "Set by this platform")],
                default="document",
                max_length=10,
                verbose_name="set by",
            ),
        ),
        migrations.AddField(
            model_name="taskunit",
            name="open_ended",
            field=models.BooleanField(default=False, verbose_name="and others (等)"),
        ),
    ]
