import pytest
from django.test import Client

from musaned.api.services import api_token_create
from musaned.visas.tests.conftest import (  # noqa: F401 (fixtures)
    catalogues,
    citizen,
    exempt,
    resident,
    violator,
)


@pytest.fixture
def token_for():
    def make(user) -> str:
        return api_token_create(user=user, name="tests")[1]

    return make


class Api:
    """A client that speaks JSON with a token."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def get(self, path, **extra):
        return self.client.get(f"/api/v1{path}", **self.headers, **extra)

    def post(self, path, data=None, key: str | None = None, **extra):
        headers = dict(self.headers)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(
            f"/api/v1{path}", data=data or {}, content_type="application/json", **headers, **extra
        )


@pytest.fixture
def api():
    return Api
