"""The outside systems the platform reaches through a port (docs/ARCHITECTURE.md), and
which implementations of each port are local stand-ins.

A local implementation (the SADAD simulator, the registry table loaded from CSV, SMS and
email written to the console, to files or to memory) really works, for development and
for demonstrations, but it is no substitute for the real system: with the simulator
nobody pays real money, with the local registry nobody is checked against Yakeen, and a
console backend writes one-time codes and personal data into the log. So production
refuses to start with one unless ``MUSANED_DEMO_DEPLOYMENT=1`` says the deployment is a
demonstration (``config/settings/production.py`` by dotted path, ``CoreConfig.ready`` by
class, subclasses included), and ``manage.py check --deploy`` warns for each one in use
(``musaned/core/checks.py``).

Nothing here imports a model: the production settings read this module before Django is
set up.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEMO_SWITCH = "MUSANED_DEMO_DEPLOYMENT"


@dataclass(frozen=True)
class Port:
    setting: str  # the setting, read from the environment variable of the same name
    doc: str  # where an operator reads how to plug in the real adapter
    check_id: str  # the id of its ``check --deploy`` warning
    local: dict[str, str]  # dotted path of each local implementation -> what it is


PORTS = (
    Port(
        setting="PAYMENT_GATEWAY_BACKEND",
        doc="docs/payments.md",
        check_id="musaned.W001",
        local={
            "musaned.payments.gateway.LocalSadadGateway": (
                "the SADAD payment simulator: bills are paid without money"
            ),
        },
    ),
    Port(
        setting="IDENTITY_REGISTRY_BACKEND",
        doc="docs/registry.md",
        check_id="musaned.W002",
        local={
            "musaned.identity.registry.LocalRegistry": (
                "the local registry table loaded from CSV: nobody is checked against the "
                "national registry"
            ),
        },
    ),
    Port(
        setting="SMS_BACKEND",
        doc="docs/sms.md",
        check_id="musaned.W003",
        local={
            "musaned.notifications.sms.backends.console.SmsBackend": (
                "SMS written to the console: one-time codes end up in the log, nobody gets them"
            ),
            "musaned.notifications.sms.backends.filebased.SmsBackend": (
                "SMS written to files on this machine: nobody gets them"
            ),
            "musaned.notifications.sms.backends.locmem.SmsBackend": (
                "SMS kept in memory: nobody gets them"
            ),
        },
    ),
    Port(
        setting="EMAIL_BACKEND",
        doc="docs/configuration.md",
        check_id="musaned.W004",
        local={
            "django.core.mail.backends.console.EmailBackend": (
                "email written to the console: personal data ends up in the log, nobody gets it"
            ),
            "django.core.mail.backends.filebased.EmailBackend": (
                "email written to files on this machine: nobody gets it"
            ),
            "django.core.mail.backends.locmem.EmailBackend": (
                "email kept in memory: nobody gets it"
            ),
            "django.core.mail.backends.dummy.EmailBackend": "email dropped: nobody gets it",
        },
    ),
)


@dataclass(frozen=True)
class LocalInUse:
    """One port whose configured implementation is (or extends) a local stand-in."""

    port: Port
    configured: str  # the dotted path the setting names
    local: str  # the local implementation it is, or is a subclass of

    @property
    def description(self) -> str:
        return self.port.local[self.local]

    def message(self) -> str:
        named = self.configured
        if self.configured != self.local:
            named = f"{self.configured}, a subclass of {self.local}"
        return f"{self.port.setting} is {self.description} ({named})."


def _configured(settings) -> list[tuple[Port, str]]:
    """(port, dotted path) for each port; ``settings`` is django.conf.settings or a dict."""
    read: Callable[[str], object] = (
        settings.get if isinstance(settings, dict) else lambda name: getattr(settings, name, "")
    )
    return [(port, str(read(port.setting) or "")) for port in PORTS]


def named_local_implementations(settings) -> list[LocalInUse]:
    """The ports whose setting names a local implementation by its own dotted path.

    Needs no import, so the production settings module can ask before Django is set up.
    """
    return [
        LocalInUse(port, path, path) for port, path in _configured(settings) if path in port.local
    ]


def local_implementations_in_use(settings) -> list[LocalInUse]:
    """The ports whose configured class is a local implementation or a subclass of one
    (a class that extends the simulator still serves the simulator's pages).

    Imports the configured classes: call it once the apps are loaded. Raises
    ``ImproperlyConfigured`` naming the setting when a dotted path cannot be imported.
    """
    found = []
    for port, path in _configured(settings):
        if path in port.local:
            found.append(LocalInUse(port, path, path))
            continue
        configured = _import(port.setting, path)
        for local_path in port.local:
            if isinstance(configured, type) and issubclass(configured, import_string(local_path)):
                found.append(LocalInUse(port, path, local_path))
                break
    return found


def _import(setting: str, path: str):
    try:
        return import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(
            f"{setting} names {path!r}, which cannot be imported: {error}"
        ) from error


def refuse(in_use: list[LocalInUse]) -> None:
    """Raise ``ImproperlyConfigured`` naming every variable to set, if any port is local."""
    if not in_use:
        return
    variables = ", ".join(item.port.setting for item in in_use)
    reasons = " ".join(item.message() for item in in_use)
    docs = ", ".join(dict.fromkeys(item.port.doc for item in in_use))
    raise ImproperlyConfigured(
        f"Production refuses local implementations of outside systems: set {variables} "
        f"to the dotted path of the real adapter ({docs}), or set {DEMO_SWITCH}=1 if this "
        f"deployment is a demonstration (every page then says so). {reasons}"
    )
