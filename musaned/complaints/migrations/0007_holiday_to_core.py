"""The public holidays move to core (the recruitment offices' windows count working days
too, and core sits below both apps): the table is renamed ``core_holiday`` and the model
leaves complaints' state; ``core.0003_holiday`` takes it into core's."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_office_amicable_phase'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name='holiday', table='core_holiday'),
            ],
            state_operations=[
                migrations.DeleteModel(name='Holiday'),
            ],
        ),
    ]
