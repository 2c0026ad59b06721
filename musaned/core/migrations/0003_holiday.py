"""The public holidays, from complaints (its migration 0007 renamed the table to
``core_holiday``): only the state changes here."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_request_id'),
        ('complaints', '0007_holiday_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Holiday',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(unique=True, verbose_name='date')),
                        ('name_ar', models.CharField(max_length=100, verbose_name='name (Arabic)')),
                        ('name_en', models.CharField(max_length=100, verbose_name='name (English)')),
                    ],
                    options={
                        'verbose_name': 'public holiday',
                        'verbose_name_plural': 'public holidays',
                        'ordering': ['date'],
                    },
                ),
            ],
        ),
    ]
