"""The public directory of recruitment offices (no account): the list with its filters and
sorting, one office's page with its prices and scorecard, two or three offices side by
side, and how the figures are computed. No personal data on any of them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from musaned.core.errors import NotFound
from musaned.offices import scorecard, selectors, sources
from musaned.offices.ceilings import percent, vat_rate_on, with_vat
from musaned.offices.forms import DirectoryFilterForm
from musaned.offices.workflow import LISTED_STATES

MAX_COMPARED = 3


def _card_figures(office, period):
    """What a card in the list shows: penalty points, and rating and on-time share when
    there are any (the median needs a query per office: only on its page; the page says
    once why a figure is missing)."""
    wanted = {"penalty-points", "rating", "on-time"}
    figures = scorecard.figures(office, period, with_median=False)
    return [f for f in figures if f.key in wanted and f.value is not None]


@login_not_required
@require_safe
def directory(request):
    choices = selectors.filter_choices()
    form = DirectoryFilterForm(request.GET or None, choices=choices)
    filters = form.filters()
    period = scorecard.last_twelve_months()
    offices = selectors.directory(period=period, **filters)
    page = Paginator(offices, settings.MUSANED_OFFICES_PER_PAGE).get_page(request.GET.get("page"))
    vat = vat_rate_on()
    cards = [
        {
            "office": office,
            "price_with_vat": with_vat(office.lowest_price, vat) if office.lowest_price else None,
            "figures": _card_figures(office, period),
        }
        for office in selectors.with_scorecards(page.object_list, period=period)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "offices/directory.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "cards": cards,
            "vat_percent": percent(vat),
            "period": period,
            "sort_works": selectors.sort_works(filters["sort"]),
            "contracts": sources.contracts() is not None,
            "query": query.urlencode(),
        },
    )


def _public_office(uid, period):
    try:
        return selectors.public_office(uid=uid, period=period)
    except NotFound:
        raise Http404 from None


@login_not_required
@require_safe
def office_page(request, uid):
    period = scorecard.last_twelve_months()
    office = _public_office(uid, period)
    vat = vat_rate_on()
    listed = office.state in LISTED_STATES
    return render(
        request,
        "offices/office.html",
        {
            "office": office,
            "listed": listed,
            "prices": selectors.price_lines(office=office, offered_only=True, vat=vat)
            if listed
            else [],
            "vat_percent": percent(vat),
            "figures": scorecard.figures(office, period),
            "decisions": selectors.public_decisions(office=office, period=period),
            "nationalities": office.nationalities.order_by(selectors.name_field()),
            "occupations": office.occupations.all(),
            "period": period,
            "complaints_named": sources.complaints() is not None,
            "complain_url": _filing_url(office),
        },
    )


def _filing_url(office) -> str:
    """The link to file a complaint about ``office`` (once complaints can name one)."""
    name = sources.filing_url()
    return f"{reverse(name)}?{urlencode({'office': office.uid})}" if name else ""


@login_not_required
@require_safe
def compare(request):
    period = scorecard.last_twelve_months()
    offices = selectors.public_offices(uids=request.GET.getlist("office"), period=period)
    columns = [scorecard.figures(office, period) for office in offices]
    rows = (
        [
            {"label": figures[0].label, "key": figures[0].key, "cells": figures}
            for figures in zip(*columns, strict=True)
        ]
        if columns
        else []
    )
    return render(
        request,
        "offices/compare.html",
        {
            "offices": offices,
            "rows": rows,
            "period": period,
            "enough": len(offices) >= 2,
            "max_compared": MAX_COMPARED,
        },
    )


@login_not_required
@require_safe
def method(request):
    return render(
        request,
        "offices/method.html",
        {
            "period": scorecard.last_twelve_months(),
            "complaints_named": sources.complaints() is not None,
            "contracts": sources.contracts() is not None,
        },
    )
