"""Pages of a signed-in beneficiary: the e-services hub, profile, security, own data."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from musaned.accounts import services
from musaned.accounts.forms import PasswordChangeForm
from musaned.accounts.selectors import personal_data_export
from musaned.identity.saudi_id import IdType

# Each service the hub lists: (URL name, title, description). A tile is added
# here only once its pages work.
SERVICES = [
    (
        "visas:start",
        gettext_lazy("Issue a visa"),
        gettext_lazy(
            "Automated visa issuance for a domestic worker. See every rule's verdict before you pay."
        ),
    ),
    (
        "visas:list",
        gettext_lazy("My visas"),
        gettext_lazy("Your visa requests and visas, their timeline, the e-visa, cancellation."),
    ),
    (
        "visas:account_inquiry",
        gettext_lazy("Visa inquiry"),
        gettext_lazy(
            "Find a visa or request by its request, visa or issued number, or your ID number."
        ),
    ),
    (
        "visas:eligibility",
        gettext_lazy("Eligibility"),
        gettext_lazy("Can I get a visa? Every rule checked with your data."),
    ),
    (
        "complaints:list",
        gettext_lazy("Complaints"),
        gettext_lazy(
            "File a complaint and follow it: every complaint shows when it must be answered."
        ),
    ),
    (
        "accounts:profile",
        gettext_lazy("Profile"),
        gettext_lazy("Your personal data, and a copy of everything we hold about you."),
    ),
    (
        "api:tokens",
        gettext_lazy("API tokens"),
        gettext_lazy("Let your own software use the Musaned API on your behalf."),
    ),
    (
        "accounts:password_change",
        gettext_lazy("Security settings"),
        gettext_lazy("Change your password. Other devices are signed out."),
    ),
]


@require_safe
def hub(request):
    user = request.user
    return render(
        request,
        "accounts/hub.html",
        {
            "services": SERVICES,
            "today": timezone.localdate(),
            "id_type_label": IdType(user.id_type).label if user.id_type else _("Staff"),
        },
    )


@require_safe
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {"id_type_label": IdType(user.id_type).label if user.id_type else _("Staff")},
    )


@require_safe
def personal_data(request):
    """PDPL: everything held about the signed-in person, as a JSON download."""
    body = json.dumps(personal_data_export(user=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="musaned-my-data.json"'
    return response


@require_http_methods(["GET", "POST"])
def password_change(request):
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            services.password_change(
                user=request.user, new_password=form.cleaned_data["new_password1"], request=request
            )
            messages.success(
                request, _("Your password was changed. Other devices were signed out.")
            )
            return redirect("accounts:hub")
    else:
        form = PasswordChangeForm(request.user)
    return render(request, "accounts/password_change.html", {"form": form})
