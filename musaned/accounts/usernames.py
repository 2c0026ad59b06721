"""Usernames nobody may register: names that would pass for the platform, its staff or
its systems in a message or on a screen ("admin wrote to you"). Compared without case
and without the dots, dashes and underscores a username may hold (``Ad.Min`` is
``admin``). Staff accounts made by an administrator are not checked. The list is also in
docs/configuration.md ("Limits people meet")."""

import re

RESERVED_USERNAMES = frozenset(
    {
        # the platform and the ministry
        "musaned",
        "mosaned",
        "hrsd",
        "mhrsd",
        "ministry",
        "gov",
        "government",
        "official",
        # people who run it
        "admin",
        "administrator",
        "root",
        "superuser",
        "sysadmin",
        "system",
        "staff",
        "support",
        "helpdesk",
        "help",
        "service",
        "services",
        "moderator",
        "operator",
        "officer",
        "reviewer",
        "supervisor",
        "backoffice",
        "security",
        # addresses and machines
        "info",
        "contact",
        "noreply",
        "postmaster",
        "hostmaster",
        "webmaster",
        "abuse",
        "api",
        "www",
        "mail",
        # outside systems the platform names
        "absher",
        "yakeen",
        "sadad",
        "nafath",
        # words that mean no one
        "anonymous",
        "guest",
        "null",
        "none",
        "undefined",
        "test",
    }
)

_SEPARATORS = re.compile(r"[._-]+")


def is_reserved_username(username: str) -> bool:
    return _SEPARATORS.sub("", username).casefold() in RESERVED_USERNAMES
