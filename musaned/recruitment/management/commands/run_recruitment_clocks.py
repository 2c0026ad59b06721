"""``manage.py run_recruitment_clocks``: the recruitment journey's clocks (docs/recruitment.md,
"The clocks"). Run it every few minutes; running it twice changes nothing twice."""

from django.core.management.base import BaseCommand

from musaned.recruitment.services.clocks import recruitment_clocks_run


class Command(BaseCommand):
    help = (
        "Expire offers and requests past their window (counting the offices that did not "
        "answer), lapse contracts not signed and paid in time, start the 30-day extension "
        "at day 90, mark contracts overdue from day 120, start and end the trial period."
    )

    def handle(self, *args, **options):
        done = recruitment_clocks_run()
        if options["verbosity"] >= 1:
            for name, count in done.items():
                self.stdout.write(f"{name}: {count}")
