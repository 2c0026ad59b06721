"""The audit-trail page, the same for every kind of record."""

from django.core.paginator import Paginator
from django.shortcuts import render

from musaned.backoffice import selectors

AUDIT_PER_PAGE = 50


def audit_trail_page(request, record, *, labels, title, back_url, section):
    """Every event of ``record``, newest first, a page at a time (supervisors)."""
    events = selectors.audit_trail(actor=request.user, record=record)
    page = Paginator(events, AUDIT_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/audit_trail.html",
        {
            "section": section,
            "title": title,
            "back_url": back_url,
            "page": page,
            "entries": selectors.audit_entries(page.object_list, record=record, labels=labels),
        },
    )
