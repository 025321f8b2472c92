"""The residents' register import is no longer called a roster: "roster" is the duty roster."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_ordering_by_ids"),
    ]

    operations = [
        migrations.RenameModel(old_name="RosterUpload", new_name="ResidentsImport"),
        migrations.AlterModelOptions(
            name="residentsimport",
            options={"ordering": ["-created_at"], "verbose_name": "register upload",
                     "verbose_name_plural": "register uploads"},
        ),
        migrations.AlterField(
            model_name="residentsimport",
            name="community",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="residents_imports",
                                    to="registry.community"),
        ),
        migrations.AlterField(
            model_name="residentsimport",
            name="file",
            field=models.FileField(blank=True, upload_to="residents_imports/"),
        ),
    ]
