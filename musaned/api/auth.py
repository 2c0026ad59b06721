"""``Authorization: Bearer <token>``: the API's only way in (no session cookies, so no CSRF)."""

from ninja.security import HttpBearer

from musaned.api.models import ApiToken, hash_token
from musaned.api.services import api_token_touch


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        api_token_touch(found)
        request.user = found.user
        return found.user
