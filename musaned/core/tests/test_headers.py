"""Headers every answer carries (musaned/core/middleware.py, config/settings/base.py)."""

import pytest

pytestmark = pytest.mark.django_db

OFF = ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")


def policy(response) -> dict[str, str]:
    header = response.headers.get("Permissions-Policy", "")
    return dict(part.strip().split("=", 1) for part in header.split(",") if part.strip())


@pytest.mark.parametrize(
    "path",
    ["/", "/en/", "/inquiry/", "/login/", "/api/v1/openapi.json", "/no-such-page/"],
)
def test_every_answer_turns_the_unused_browser_features_off(client, path):
    response = client.get(path)
    features = policy(response)
    for feature in OFF:
        assert features.get(feature) == "()", (path, feature, response.headers)


def test_a_signed_in_page_and_an_api_error_carry_it_too(client, citizen):
    client.force_login(citizen)
    assert policy(client.get("/services/"))["camera"] == "()"
    assert policy(client.post("/api/v1/visa-applications", {}))["camera"] == "()"
