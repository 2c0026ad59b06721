"""What the apps above visas do with a visa, registered here when they start (as the visas
app registers its bill handlers with payments): visas sit below recruitment in the layers
(``pyproject.toml``) and may not import it.

A *use* says whether it holds a visa now (``in_use``: an issued visa in use cannot be
cancelled, its fee refunded, while a recruitment request or contract counts on it) and
hears of the decision on a visa (``decided``: issued, rejected or declined in quality
check, or the draft discarded), inside the visa's own transaction, with the visa's row
locked (``core/locks.py``: the visa application before what waits for it)::

    from musaned.visas import uses

    uses.register(
        "recruitment",
        in_use=lambda application: ...,  # -> bool
        decided=lambda application, reasons: ...,  # reasons: [{"rule", "title", "message"}]
    )

If ``decided`` raises, the visa's decision rolls back with it (and the payment callback
that led to it answers 500, so the provider retries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from musaned.visas.models import VisaApplication

Reasons = list[dict[str, str]]


@dataclass(frozen=True)
class VisaUse:
    name: str
    in_use: Callable[[VisaApplication], bool]
    decided: Callable[[VisaApplication, Reasons], Any]


_uses: dict[str, VisaUse] = {}


def register(
    name: str,
    *,
    in_use: Callable[[VisaApplication], bool],
    decided: Callable[[VisaApplication, Reasons], Any],
) -> None:
    """Register (or replace) the use ``name``."""
    _uses[name] = VisaUse(name=name, in_use=in_use, decided=decided)


def unregister(name: str) -> None:
    _uses.pop(name, None)


def in_use(application: VisaApplication) -> bool:
    """Whether any registered use holds ``application`` now."""
    return any(use.in_use(application) for use in _uses.values())


def tell_decided(application: VisaApplication, reasons: Reasons) -> None:
    """Every registered use hears of the decision, in the order they registered."""
    for use in list(_uses.values()):
        use.decided(application, reasons)
