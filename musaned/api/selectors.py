"""Reads of the API app, scoped to the person asking."""

from django.contrib.auth.models import AbstractUser
from django.db.models import QuerySet

from musaned.api.models import ApiToken


def api_tokens_for(*, actor: AbstractUser) -> QuerySet[ApiToken]:
    """The actor's tokens, newest first, revoked ones included (with when)."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def api_token_get_for(*, actor: AbstractUser, pk: int) -> ApiToken | None:
    """One of the actor's tokens; anyone else's is None (the view answers 404)."""
    return api_tokens_for(actor=actor).filter(pk=pk).first()
