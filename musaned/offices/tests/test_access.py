"""Who may open what: the office portal (own office only: another office's price, member
or invitation is 404; a beneficiary gets 404, a visitor the login page), the licensing
pages (staff with a licensing permission; other staff 403; everyone else 404), and the
same in the API."""

import json

import pytest
from django.test import Client

from musaned.api.services import api_token_create
from musaned.offices import services
from musaned.offices.models import OfficePrice
from musaned.offices.tests.conftest import (
    client_for,
    hire,
    price,
    register_office,
    staff_member,
)

pytestmark = pytest.mark.django_db

LOGIN = ("/login/", "/en/login/")


@pytest.fixture
def offices(officer, manager, other_manager, employee):
    """Office A (manager, employee) with a price and a pending invitation; office B
    (its own manager) with a price and a pending invitation."""
    a = register_office(officer, manager=manager)
    b = register_office(officer, manager=other_manager)
    hire(a, manager, employee)
    return {
        "a": a,
        "b": b,
        "a_price": price(a, manager),
        "b_price": price(b, other_manager),
        "a_invitation": services.office_invite_employee(
            actor=manager, office=a, national_id="1000000016", mobile="+966500000002"
        ),
        "b_invitation": services.office_invite_employee(
            actor=other_manager, office=b, national_id="1000000016", mobile="+966500000002"
        ),
        "b_member": b.memberships.get(),
    }


def portal_urls(o) -> list[tuple[str, str]]:
    """Every portal URL that names one of office A's things, for each language."""
    urls = []
    for prefix in ("", "/en"):
        urls += [
            ("get", f"{prefix}/office/"),
            ("get", f"{prefix}/office/profile/"),
            ("get", f"{prefix}/office/prices/"),
            ("get", f"{prefix}/office/prices/{o['a_price'].uid}/"),
            ("get", f"{prefix}/office/team/"),
            ("get", f"{prefix}/office/history/"),
        ]
    return urls


def test_the_manager_reaches_every_page_of_their_office(offices, manager):
    client = client_for(manager)
    for method, url in portal_urls(offices):
        assert getattr(client, method)(url).status_code == 200, url


def test_an_office_user_gets_404_for_another_offices_things(offices, manager, employee):
    b = offices
    for user in (manager, employee):
        client = client_for(user)
        for url in (
            f"/office/prices/{b['b_price'].uid}/",
            f"/en/office/prices/{b['b_price'].uid}/",
        ):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"amount": "1", "days_to_arrival": "1"}).status_code == 404
        for url in (
            f"/office/prices/{b['b_price'].uid}/remove/",
            f"/office/team/{b['b_member'].uid}/remove/",
            f"/office/team/invitations/{b['b_invitation'].uid}/revoke/",
        ):
            assert client.post(url).status_code == 404, url
    assert OfficePrice.objects.filter(pk=b["b_price"].pk).exists()
    b["b_member"].refresh_from_db()
    assert b["b_member"].ended_at is None
    b["b_invitation"].refresh_from_db()
    assert b["b_invitation"].state == "pending"


def test_a_beneficiary_staff_and_visitors_have_no_portal(offices, beneficiary):
    officer_client = client_for(staff_member("another-officer"))
    for client in (client_for(beneficiary), officer_client):
        for method, url in portal_urls(offices):
            assert getattr(client, method)(url).status_code == 404, url
        assert client.post("/office/prices/", {"amount": "1"}).status_code == 404
    visitor = Client()
    for method, url in portal_urls(offices):
        response = getattr(visitor, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url


def test_the_portal_without_the_sign_in_code_asks_to_sign_in_again(offices, manager):
    response = client_for(manager, second_factor=False).get("/office/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_employee_reads_but_does_not_manage(offices, employee):
    client = client_for(employee)
    assert client.post("/office/profile/", {"address": "x"}).status_code == 403
    assert client.post("/office/team/", {"national_id": "1000000016"}).status_code == 403
    member = offices["a"].memberships.get(user=offices["a"].memberships.get(role="manager").user)
    client.post(f"/office/team/{member.uid}/remove/")
    member.refresh_from_db()
    assert member.ended_at is None


def test_invitations_are_only_for_the_person_invited(offices, beneficiary, registry):
    from musaned.accounts.tests.factories import BeneficiaryFactory

    invited = BeneficiaryFactory(person="1000000016", username="noura")  # mobile +966500000002
    client = client_for(invited)
    assert client.get("/office/invitations/").status_code == 200
    assert client_for(beneficiary).get("/office/invitations/").status_code == 404
    stranger = client_for(beneficiary)
    url = f"/office/invitations/{offices['a_invitation'].uid}/accept/"
    assert stranger.post(url).status_code == 404
    assert Client().post(url).status_code == 302  # to the login page
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/office/"


def licensing_urls(office) -> list[str]:
    return [
        "/licensing/",
        "/en/licensing/",
        "/licensing/offices/new/",
        f"/licensing/offices/{office.uid}/",
        f"/en/licensing/offices/{office.uid}/",
        "/licensing/ceilings/",
        "/licensing/ceilings/new/",
        "/licensing/vat/new/",
    ]


def test_licensing_pages_by_role(offices, officer, manager, beneficiary):
    a = offices["a"]
    for url in licensing_urls(a):
        assert client_for(officer).get(url).status_code == 200, url
        assert client_for(manager).get(url).status_code == 404, url
        assert client_for(beneficiary).get(url).status_code == 404, url
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
        assert client_for(staff_member(f"clerk-{len(url)}", role=None)).get(url).status_code == 403
    posts = [
        f"/licensing/offices/{a.uid}/act/",
        f"/licensing/offices/{a.uid}/manager/",
        "/licensing/offices/new/",
        "/licensing/ceilings/new/",
    ]
    for url in posts:
        assert client_for(manager).post(url, {"action": "suspend"}).status_code == 404, url
    a.refresh_from_db()
    assert a.state == "active"


def api(user=None):
    client = Client()
    headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
    if user is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=user, name='t')[1]}"
    return client, headers


def test_the_api_gives_each_office_only_its_own_prices(offices, manager, beneficiary):
    client, headers = api(manager)
    b_price = offices["b_price"]
    body = json.dumps({"amount": "1000", "days_to_arrival": 10})
    put = client.put(
        f"/api/v1/office/prices/{b_price.uid}",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
        **headers,
    )
    assert put.status_code == 404 and put.json()["code"] == "not_found"
    delete = client.delete(
        f"/api/v1/office/prices/{b_price.uid}", HTTP_IDEMPOTENCY_KEY="k2", **headers
    )
    assert delete.status_code == 404
    b_price.refresh_from_db()
    assert b_price.amount != 1000
    own = client.get("/api/v1/office/prices", **headers).json()
    assert [p["id"] for p in own] == [str(offices["a_price"].uid)]
    # A beneficiary's token: no office. No token: 401.
    other, other_headers = api(beneficiary)
    assert other.get("/api/v1/office", **other_headers).status_code == 404
    assert other.get("/api/v1/office/prices", **other_headers).status_code == 404
    assert Client().get("/api/v1/office").status_code == 401
    # The directory is public.
    assert Client().get("/api/v1/offices").status_code == 200
    assert Client().get(f"/api/v1/offices/{offices['b'].uid}").status_code == 200
