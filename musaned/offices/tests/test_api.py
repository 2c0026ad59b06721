"""The offices' API: the public directory and one office, and the office user's own
profile and prices with Idempotency-Key on every write."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from musaned.api.services import api_token_create
from musaned.offices.models import OfficePrice, PriceState
from musaned.offices.tests.conftest import hire, price, register_office

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user=None, language="en"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if user is not None:
            token = api_token_create(user=user, name="tests")[1]
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def get(self, path):
        return self.client.get(f"/api/v1{path}", **self.headers)

    def send(self, method, path, data=None, key="key-1"):
        headers = dict(self.headers)
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return getattr(self.client, method)(
            f"/api/v1{path}",
            json.dumps(data) if data is not None else "",
            content_type="application/json",
            **headers,
        )


@pytest.fixture
def listed(officer, manager, other_manager):
    cheap = register_office(officer, manager=manager, name="Cheap", city="jeddah")
    dear = register_office(officer, manager=other_manager, name="Dear", city="riyadh")
    price(cheap, manager, nationality="KEN", amount="7000", days=45)
    price(dear, other_manager, nationality="KEN", amount="8900", days=30)
    return cheap, dear


def test_the_directory_filters_sorts_and_pages(listed):
    cheap, dear = listed
    answer = Api().get("/offices?nationality=KEN&sort=price")
    assert answer.status_code == 200
    rows = answer.json()
    assert [r["id"] for r in rows] == [str(cheap.uid), str(dear.uid)]
    assert rows[0]["lowest_price"] == "7000.00" and rows[0]["lowest_price_with_vat"] == "8050.00"
    assert rows[0]["lowest_days_to_arrival"] == 45
    assert {f["key"] for f in rows[0]["figures"]} == {"penalty-points", "rating", "on-time"}
    for figure in rows[0]["figures"]:
        assert figure["period_start"] and figure["method_url"].endswith(f"#{figure['key']}")
    assert [r["id"] for r in Api().get("/offices?city=riyadh").json()] == [str(dear.uid)]
    assert len(Api().get("/offices?limit=1&offset=1").json()) == 1
    bad = Api().get("/offices?city=atlantis")
    assert bad.status_code == 422 and "city" in bad.json()["fields"]


def test_one_office_with_prices_with_vat_and_its_scorecard(listed):
    cheap, _dear = listed
    body = Api(language="ar").get(f"/offices/{cheap.uid}").json()
    assert body["name"] == cheap.name_ar and body["state"] == "active"
    assert body["prices"][0]["amount_with_vat"] == "8050.00"
    assert body["prices"][0]["ceiling"] == "9000.00"
    assert body["vat_rate"] == "0.1500"
    keys = [f["key"] for f in body["figures"]]
    assert keys[0] == "complaints-per-100-contracts" and "days-to-arrival" in keys
    missing = {f["key"]: f for f in body["figures"]}["rating"]
    assert missing["value"] is None and missing["missing"]
    assert "national_id" not in json.dumps(body) and "bank_guarantee" not in body
    assert Api().get("/offices/nothing").status_code == 404


def test_the_directory_costs_the_same_queries_however_many_offices(
    officer, listed, django_assert_max_num_queries
):
    api = Api()
    api.get("/offices?nationality=KEN&sort=price")
    with django_assert_max_num_queries(8) as few:
        api.get("/offices?nationality=KEN&sort=price")
    for _n in range(20):
        register_office(officer, nationalities=("KEN",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/offices?nationality=KEN&sort=price&limit=100").json()) == 22


def test_the_office_reads_its_own_profile_and_prices(listed, manager, employee):
    cheap, _dear = listed
    hire(cheap, manager, employee)
    body = Api(employee).get("/office").json()
    assert body["id"] == str(cheap.uid) and body["role"] == "employee"
    assert body["bank_guarantee"] == "100000.00"
    assert [p["nationality"]["code"] for p in Api(manager).get("/office/prices").json()] == ["KEN"]


def test_setting_a_price_is_idempotent_and_refused_above_the_ceiling(listed, manager):
    cheap, _dear = listed
    api = Api(manager)
    data = {"nationality": "PHL", "occupation": "cook", "amount": "14000", "days_to_arrival": 60}
    first = api.send("post", "/office/prices", data, key="set-phl")
    assert first.status_code == 201
    again = api.send("post", "/office/prices", data, key="set-phl")
    assert (again.status_code, again.json()) == (201, first.json())
    assert OfficePrice.objects.filter(office=cheap, nationality__code="PHL").count() == 1
    changed = api.send("post", "/office/prices", {**data, "amount": "13000"}, key="set-phl-2")
    assert changed.status_code == 200 and changed.json()["amount"] == "13000.00"
    above = api.send("post", "/office/prices", {**data, "amount": "14700.01"}, key="set-phl-3")
    assert above.status_code == 422
    assert above.json()["code"] == "price_above_ceiling" and "amount" in above.json()["fields"]
    assert "14,700" in above.json()["message"]
    assert OfficePrice.objects.get(office=cheap, nationality__code="PHL").amount == 13000
    reused = api.send("post", "/office/prices", {**data, "amount": "1"}, key="set-phl")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    missing = api.send("post", "/office/prices", data, key=None)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_required"
    unknown = api.send("post", "/office/prices", {**data, "nationality": "XXX"}, key="x")
    assert unknown.status_code == 422 and "nationality" in unknown.json()["fields"]


def test_changing_and_removing_a_price(listed, manager):
    cheap, _dear = listed
    existing = OfficePrice.objects.get(office=cheap)
    api = Api(manager)
    changed = api.send(
        "put", f"/office/prices/{existing.uid}", {"amount": "6500", "days_to_arrival": 40}
    )
    assert changed.status_code == 200 and changed.json()["amount_with_vat"] == "7475.00"
    removed = api.send("delete", f"/office/prices/{existing.uid}", key="rm")
    assert removed.status_code == 200 and removed.json()["id"] == str(existing.uid)
    assert not OfficePrice.objects.filter(pk=existing.pk).exists()
    assert api.send("delete", f"/office/prices/{existing.uid}", key="rm-2").status_code == 404


def test_a_suspended_price_is_listed_for_the_office_but_not_the_public(listed, manager, officer):
    from django.utils import timezone

    from musaned.offices import services
    from musaned.visas.models import Nationality

    cheap, _dear = listed
    services.price_ceiling_add(
        actor=officer,
        nationality=Nationality.objects.get(code="KEN"),
        occupation=None,
        amount=Decimal("6000"),
        effective_from=timezone.localdate(),
        source="Test",
    )
    own = Api(manager).get("/office/prices").json()
    assert own[0]["state"] == PriceState.SUSPENDED
    assert Api().get(f"/offices/{cheap.uid}").json()["prices"] == []
