"""The recruitment journey's workflows, as rows of the one core (docs/recruitment.md, "The
tables"): the request and its rows for each office (``request``), the offer (``offer``) and
the contract (``contract``). Importing this package registers the four machines."""

from musaned.recruitment.workflow.contract import CONTRACT_MACHINE
from musaned.recruitment.workflow.offer import OFFER_MACHINE
from musaned.recruitment.workflow.request import OFFICE_MACHINE, REQUEST_MACHINE

__all__ = ["CONTRACT_MACHINE", "OFFER_MACHINE", "OFFICE_MACHINE", "REQUEST_MACHINE"]
