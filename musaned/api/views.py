"""The API's pages on the website: the human documentation and the user's tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.api import services
from musaned.api.api import api
from musaned.api.forms import TokenForm
from musaned.api.selectors import api_token_get_for, api_tokens_for


@login_not_required
@require_safe
def docs(request):
    """Every operation of the API, from the same OpenAPI schema the API validates with."""
    schema = api.get_openapi_schema()
    operations = []
    for route, methods in schema["paths"].items():
        for method, operation in methods.items():
            headers = {
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"
            }
            operations.append(
                {
                    "method": method.upper(),
                    "path": "/api/v1" + route.removeprefix("/api/v1"),
                    "summary": operation.get("summary", ""),
                    "public": not operation.get("security"),
                    "idempotent": "Idempotency-Key" in headers,
                }
            )
    return render(request, "api/docs.html", {"operations": operations})


@require_http_methods(["GET", "POST"])
def tokens(request):
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = services.api_token_create(
            user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    rows = api_tokens_for(actor=request.user)
    return render(
        request, "api/tokens.html", {"form": form, "tokens": rows, "new_token": new_token}
    )


@require_POST
def token_revoke(request, pk: int):
    token = api_token_get_for(actor=request.user, pk=pk)
    if token is None:
        raise Http404
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token was revoked. Programs using it can no longer sign in."))
    return redirect("api:tokens")
