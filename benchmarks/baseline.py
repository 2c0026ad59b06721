"""The bare-framework baseline: Django, one indexed lookup, JSON out. Nothing else."""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from musaned.visas.models import VisaApplication


@csrf_exempt
@login_not_required
def baseline(request):
    data = json.loads(request.body)
    row = (
        VisaApplication.objects.filter(
            issued_number=data["issued_number"], owner__national_id=data["national_id"]
        )
        .values("visa_number", "issued_number", "state", "issued_on", "expires_on")
        .first()
    )
    if row is None:
        return JsonResponse({"code": "not_found"}, status=404)
    return JsonResponse(row)
