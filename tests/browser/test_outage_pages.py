"""What a signed-in person sees when the database is out of reach: the translated "paused"
page (503, Retry-After), in the page's language and direction, accessible, with the
reference to quote (musaned/core/views.py ``database_unavailable``)."""

import re
from unittest import mock

import pytest
from django.db import OperationalError

from tests.browser.conftest import beneficiary, sign_in

pytestmark = [pytest.mark.browser]

LEADS = {
    "ar": "لا يمكننا الوصول إلى سجلاتنا الآن.",
    "en": "We cannot reach our records right now.",
}


def _database_down(*args, **kwargs):
    raise OperationalError("connection to server failed: Connection refused")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_signed_in_page_with_the_database_down_is_the_translated_503(
    registry, open_site, last_sms_code, lang
):
    user = beneficiary("1000000008", "mohammed")
    site = open_site(lang)
    sign_in(site, user, last_sms_code)
    # Every connection, the live server's thread included, fails as a stopped PostgreSQL.
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=_database_down
    ):
        response = site.goto("/services/", "database-down")
        assert response.status == 503
        assert int(response.headers["retry-after"]) > 0
        main = site.page.locator("main").inner_text()
        assert LEADS[lang] in main
        assert re.search(r"[0-9A-F]{10}", main)  # the reference
        site.narrow("database-down-narrow")
    site.assert_accessible()
