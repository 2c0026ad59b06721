"""The pages people use: the licensing officer registers and suspends an office, adds a
ceiling; the manager edits the profile and the price list (refused above the ceiling,
keeping what was typed) and invites an employee; the hub shows each their tile."""

import datetime as dt

import pytest
from django.utils import timezone

from musaned.offices.models import Office, OfficePrice, OfficeSanction, OfficeState, PriceCeiling
from musaned.offices.tests.conftest import client_for, hire, price

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name_ar": "مكتب الأمانة للاستقدام",
        "name_en": "Al Amana Recruitment",
        "licence_number": "MHRSD-2291",
        "licence_expires_on": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        "cr_number": "١٠١٠٢٢٣٣٤٤",  # Arabic-Indic digits are read as ASCII
        "city": "makkah",
        "address": "Al Aziziyah, Makkah",
        "phone": "0125551234",
        "email": "info@amana.example",
        "nationalities": ["PHL", "KEN"],
        "occupations": [],
        "bank_guarantee": "250000",
        "manager_national_id": "1000000040",
    }
    data.update(overrides)
    return data


def test_the_officer_registers_an_office_and_its_manager_is_invited(officer, manager):
    from musaned.visas.models import Nationality, Occupation

    client = client_for(officer)
    data = form_data()
    data["nationalities"] = [str(n.pk) for n in Nationality.objects.filter(code__in=["PHL", "KEN"])]
    data["occupations"] = [str(Occupation.objects.get(code="housemaid").pk)]
    response = client.post("/en/licensing/offices/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    office = Office.objects.get(licence_number="MHRSD-2291")
    assert office.cr_number == "1010223344" and office.phone == "+966125551234"
    assert office.state == OfficeState.ACTIVE
    hub = client_for(manager).get("/en/services/").content.decode()
    assert "Invitation from an office" in hub


def test_a_mistake_in_the_register_form_keeps_what_was_typed(officer, office):
    client = client_for(officer)
    response = client.post(
        "/en/licensing/offices/new/",
        form_data(cr_number="12345", licence_number=office.licence_number),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A commercial registration number is 10 digits." in page
    assert 'value="Al Amana Recruitment"' in page and 'value="Al Aziziyah, Makkah"' in page


def test_the_officer_suspends_an_office_from_its_page_and_it_leaves_the_directory(
    officer, office, client
):
    page = client_for(officer)
    until = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    missing_reason = page.post(
        f"/en/licensing/offices/{office.uid}/act/",
        {
            "action": "suspend",
            "suspend-until": until,
            "suspend-ground": "delay",
            "suspend-reason": "",
        },
    )
    assert missing_reason.status_code == 200
    text = missing_reason.content.decode()
    assert "This field is required." in text and f'value="{until}"' in text
    done = page.post(
        f"/en/licensing/offices/{office.uid}/act/",
        {
            "action": "suspend",
            "suspend-until": until,
            "suspend-ground": "delay",
            "suspend-reason": "Five workers late past 120 days.",
        },
    )
    assert done.status_code == 302
    office.refresh_from_db()
    assert office.state == OfficeState.SUSPENDED
    assert OfficeSanction.objects.get(office=office).reason == "Five workers late past 120 days."
    assert office.name_en not in client.get("/en/offices/").content.decode()
    detail = page.get(f"/en/licensing/offices/{office.uid}/").content.decode()
    assert "Reinstate the office" in detail and "Suspend the office" not in detail


def test_an_action_the_state_does_not_allow_is_refused_with_a_message(officer, office):
    response = client_for(officer).post(
        f"/en/licensing/offices/{office.uid}/act/", {"action": "reinstate", "reinstate-reason": ""}
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.state == OfficeState.ACTIVE


def test_a_price_above_the_ceiling_is_refused_in_the_form_keeping_what_was_typed(office, manager):
    client = client_for(manager)
    response = client.post(
        "/en/office/prices/",
        {
            "nationality": "UGA",
            "occupation": "housemaid",
            "amount": "8450",
            "days_to_arrival": "55",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "ceiling for a worker from Uganda is 8,300 SAR before VAT" in page
    assert 'value="8450"' in page and 'value="55"' in page
    assert not OfficePrice.objects.exists()
    arabic = client.post(
        "/office/prices/",
        {
            "nationality": "UGA",
            "occupation": "housemaid",
            "amount": "8450",
            "days_to_arrival": "55",
        },
    ).content.decode()
    assert "أوغندا" in arabic and "8,300" in arabic
    saved = client.post(
        "/en/office/prices/",
        {
            "nationality": "UGA",
            "occupation": "housemaid",
            "amount": "8300",
            "days_to_arrival": "55",
        },
    )
    assert saved.status_code == 302
    assert OfficePrice.objects.get().amount == 8300


def test_changing_one_price_keeps_its_nationality_and_occupation(office, manager):
    existing = price(office, manager, nationality="PHL", amount="12000")
    client = client_for(manager)
    response = client.post(
        f"/en/office/prices/{existing.uid}/",
        {"nationality": "KEN", "occupation": "cook", "amount": "11000", "days_to_arrival": "50"},
    )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert (existing.nationality.code, existing.amount) == ("PHL", 11000)


def test_the_manager_edits_the_profile(office, manager):
    from musaned.visas.models import Nationality, Occupation

    client = client_for(manager)
    response = client.post(
        "/en/office/profile/",
        {
            "phone": "0551234567",
            "email": "new@office.example",
            "address": "Olaya Street 5",
            "nationalities": [Nationality.objects.get(code="LKA").pk],
            "occupations": [Occupation.objects.get(code="nanny").pk],
        },
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.address == "Olaya Street 5" and office.phone == "+966551234567"
    assert list(office.nationalities.values_list("code", flat=True)) == ["LKA"]
    history = client.get("/en/office/history/").content.decode()
    assert "Profile updated by the office" in history


def test_the_manager_invites_an_employee_who_accepts_from_the_hub(office, manager, employee):
    client = client_for(manager)
    bad = client.post("/en/office/team/", {"national_id": "1234", "mobile": "0500000006"})
    assert bad.status_code == 200 and 'value="0500000006"' in bad.content.decode()
    response = client.post(
        "/en/office/team/", {"national_id": "٢٠٠٠٠٠٠٠٠٦", "mobile": "0500000006"}
    )
    assert response.status_code == 302
    invitee = client_for(employee)
    assert "Invitation from an office" in invitee.get("/en/services/").content.decode()
    listed = invitee.get("/en/office/invitations/").content.decode()
    assert office.name_en in listed
    from musaned.offices.models import OfficeInvitation

    invitation = OfficeInvitation.objects.get(national_id=employee.national_id)
    accepted = invitee.post(f"/en/office/invitations/{invitation.uid}/accept/")
    assert accepted.status_code == 302
    assert "Office portal" in invitee.get("/en/services/").content.decode()
    team = client.get("/en/office/team/").content.decode()
    assert employee.masked_id in team and employee.national_id not in team


def test_the_officer_adds_a_ceiling_from_today_and_prices_above_it_are_suspended(
    officer, office, manager
):
    above = price(office, manager, nationality="ETH", amount="5800")
    client = client_for(officer)
    response = client.post(
        "/en/licensing/ceilings/new/",
        {
            "nationality": "ETH",
            "occupation": "",
            "amount": "5500",
            "effective_from": timezone.localdate().isoformat(),
            "source": "Circular 44/1448",
            "source_url": "",
        },
    )
    assert response.status_code == 302
    assert PriceCeiling.objects.filter(source="Circular 44/1448").exists()
    above.refresh_from_db()
    assert above.state == "suspended"
    home = client_for(manager).get("/en/office/").content.decode()
    assert "1</span> price is suspended" in home
    listing = client.get("/en/licensing/ceilings/").content.decode()
    assert "Circular 44/1448" in listing and "15 %" in listing


def test_a_withdrawn_office_is_read_only_in_its_portal(officer, office, manager):
    from musaned.offices import services
    from musaned.offices.workflow import Action

    existing = price(office, manager)
    services.office_act(
        office=office, action=Action.WITHDRAW, actor=officer, ground="money_outside", reason="x"
    )
    client = client_for(manager)
    home = client.get("/en/office/").content.decode()
    assert "nothing of it can change now" in home
    assert client.post("/en/office/prices/", {"amount": "1"}).status_code == 404
    assert client.post(f"/en/office/prices/{existing.uid}/remove/").status_code == 302
    assert OfficePrice.objects.filter(pk=existing.pk).exists()


def test_the_pages_are_in_arabic_by_default(office, manager, officer):
    for client, url in (
        (client_for(manager), "/office/"),
        (client_for(manager), "/office/prices/"),
        (client_for(officer), f"/licensing/offices/{office.uid}/"),
        (client_for(officer), "/licensing/ceilings/"),
    ):
        page = client.get(url).content.decode()
        assert 'lang="ar" dir="rtl"' in page, url


def test_an_employee_sees_the_team_without_the_invite_form(office, manager, employee):
    hire(office, manager, employee)
    page = client_for(employee).get("/en/office/team/").content.decode()
    assert "Invite an employee" not in page and "Remove" not in page
