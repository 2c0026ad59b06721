"""The bare-framework baseline: a plain Django view, one indexed lookup, JSON out.

Same process, settings and middleware as the API, same request (POST, JSON body with
``issued_number`` and ``national_id``), same query shape (the unique index on the issued
number, then the owner's ID), so the difference to ``POST /api/v1/visa-inquiry`` is what
the API and the inquiry service add: Ninja and its schemas, the per-client rate-limit
counter, digit normalisation, the wider select_related, the audit row and its commit.
Mounted at ``/bench/baseline/`` by ``benchmarks/urls.py`` only (benchmark settings).
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from musaned.visas.models import VisaApplication

FIELDS = ("visa_number", "issued_number", "state", "issued_on", "expires_on")


@csrf_exempt
@login_not_required
@require_POST
def baseline(request):
    try:
        data = json.loads(request.body)
        issued_number, national_id = str(data["issued_number"]), str(data["national_id"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"code": "malformed"}, status=400)
    row = (
        VisaApplication.objects.filter(issued_number=issued_number, owner__national_id=national_id)
        .values(*FIELDS)
        .first()
    )
    if row is None:
        return JsonResponse({"code": "not_found"}, status=404)
    return JsonResponse(row)
