"""Reads of the API app, scoped to the person asking."""

from django.db.models import QuerySet

from musaned.api.models import ApiToken
from musaned.core.actors import User


def api_tokens_for(*, actor: User) -> QuerySet[ApiToken]:
    """The actor's tokens, newest first, revoked ones included (with when)."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def api_token_get_for(*, actor: User, pk: int) -> ApiToken | None:
    """One of the actor's tokens; anyone else's is None (the view answers 404)."""
    return api_tokens_for(actor=actor).filter(pk=pk).first()
