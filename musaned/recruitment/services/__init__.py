"""Every write of the recruitment app (docs/recruitment.md), one module per part of the
journey: ``requests`` (making, sending, cancelling a request, and the visa's decision),
``offers`` (the office's offers, accepting one, declining all), ``contracts`` (the
contract made from the accepted offer, signing, paying, the stages, cancellations, the
trial), ``clocks`` (the one scheduled command's work) and ``ledger`` (the one posting
service). Each is keyword-only, takes the acting user, runs in one transaction and writes
its audit row inside it (through ``transition``). Import them from their module: the
workflow's effects use ``ledger``, so this package imports nothing by itself."""
