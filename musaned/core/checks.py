"""System checks for a deployment (``manage.py check --deploy``).

One warning for each port served by a local implementation (musaned/core/ports.py), so a
demonstration deployment, which production lets start with ``MUSANED_DEMO_DEPLOYMENT=1``,
is never mistaken for a real one; and one when the SADAD simulator would not know where
to deliver its callbacks.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from musaned.core import ports

SIMULATOR = "musaned.payments.gateway.LocalSadadGateway"


@checks.register(checks.Tags.security, deploy=True)
def local_implementations(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        in_use = ports.local_implementations_in_use(settings)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="musaned.E001")]
    messages: list[checks.CheckMessage] = [
        checks.Warning(
            item.message(),
            hint=(
                f"Set {item.port.setting} to the dotted path of the real adapter "
                f"({item.port.doc}). A demonstration deployment runs with "
                f"{ports.DEMO_SWITCH}=1 and these warnings."
            ),
            id=item.port.check_id,
        )
        for item in in_use
    ]
    simulator = any(item.local == SIMULATOR for item in in_use)
    if simulator and not (settings.PAYMENT_CALLBACK_URL or settings.MUSANED_SITE_URL):
        messages.append(
            checks.Warning(
                "The SADAD simulator has nowhere to deliver its payment callbacks: every "
                "payment on its pages will fail.",
                hint="Set MUSANED_SITE_URL (this site's public address) or PAYMENT_CALLBACK_URL.",
                id="musaned.W005",
            )
        )
    return messages
