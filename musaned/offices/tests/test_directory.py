"""The public directory: filters, sorting, only listed offices, prices with VAT, every
figure with its period, its count and the method; no personal data; and the same
queries however many offices there are."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from musaned.offices import services
from musaned.offices.tests.conftest import price, register_office
from musaned.offices.workflow import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(officer, manager, other_manager):
    riyadh = register_office(
        officer, manager=manager, name="Riyadh Helpers", city="riyadh", nationalities=("PHL", "KEN")
    )
    jeddah = register_office(
        officer, manager=other_manager, name="Jeddah Care", city="jeddah", nationalities=("KEN",)
    )
    quiet = register_office(officer, name="Quiet Office", city="riyadh", nationalities=("ETH",))
    price(riyadh, manager, nationality="PHL", amount="14000", days=70)
    price(riyadh, manager, nationality="KEN", amount="8000", days=50)
    price(jeddah, other_manager, nationality="KEN", amount="7000", days=40)
    return riyadh, jeddah, quiet


def names(response) -> list[str]:
    return re.findall(
        r'class="office-card__name"><a href="[^"]+">([^<]+)</a>', response.content.decode()
    )


def test_visitors_filter_by_city_nationality_and_occupation(three):
    client = Client()
    assert client.get("/en/offices/").status_code == 200
    assert sorted(names(client.get("/en/offices/"))) == sorted(o.name_en for o in three)
    assert names(client.get("/en/offices/?city=jeddah")) == [three[1].name_en]
    kenya = names(client.get("/en/offices/?nationality=KEN"))
    assert sorted(kenya) == sorted([three[0].name_en, three[1].name_en])
    assert names(client.get("/en/offices/?nationality=ETH&occupation=cook")) == [three[2].name_en]


def test_sorting_by_price_puts_the_cheapest_first_and_offices_without_a_price_last(three):
    response = Client().get("/en/offices/?nationality=KEN&sort=price")
    assert names(response) == [three[1].name_en, three[0].name_en]
    everyone = names(Client().get("/en/offices/?sort=price"))
    assert everyone[-1] == three[2].name_en


def test_prices_are_shown_with_vat(three):
    page = Client().get("/en/offices/?nationality=KEN&sort=price").content.decode()
    assert "8,050" in page  # 7,000 + 15 %
    office_page = Client().get(f"/en/offices/{three[0].uid}/").content.decode()
    assert "16,100" in office_page and "14,000" in office_page  # with and before VAT
    assert "9,200" in office_page  # 8,000 + 15 %
    assert "14,700" in office_page  # the ceiling in force for the Philippines


def test_a_bad_filter_is_said_and_the_rest_still_works(three):
    response = Client().get("/en/offices/?city=atlantis&nationality=KEN")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page and 'class="error-summary"' in page
    assert sorted(names(response)) == sorted([three[0].name_en, three[1].name_en])  # Kenya still


def test_a_suspended_office_leaves_the_directory_but_keeps_its_page(three, officer):
    riyadh = three[0]
    services.office_act(
        office=riyadh,
        action=Action.SUSPEND,
        actor=officer,
        reason="Cash outside the platform.",
        ground="money_outside",
        until=timezone.localdate() + dt.timedelta(days=30),
    )
    assert riyadh.name_en not in names(Client().get("/en/offices/"))
    page = Client().get(f"/en/offices/{riyadh.uid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "suspended until" in text and "Money taken outside the platform" in text
    assert "Cash outside the platform." not in text  # the officer's words stay private
    assert "16,100" not in text  # no prices while not listed


def test_every_figure_shows_its_period_its_count_and_the_method(three, officer):
    services.office_act(
        office=three[0],
        action=Action.PENALISE,
        actor=officer,
        points=3,
        ground="delay",
        reason="Late.",
    )
    text = Client().get(f"/en/offices/{three[0].uid}/").content.decode()
    figures = re.findall(r'<li class="figure figure--([a-z0-9-]+)">(.*?)</li>', text, re.S)
    assert [key for key, _body in figures] == [
        "complaints-per-100-contracts",
        "complaints-resolved",
        "penalty-points",
        "warnings",
        "suspensions",
        "rating",
        "on-time",
        "days-to-arrival",
    ]
    for key, body in figures:
        assert "From " in body and " to " in body, key  # its period
        assert f'/en/offices/how-we-compute/#{key}"' in body, key  # its method
    points = dict(figures)["penalty-points"]
    assert ">3<" in points and "from 1 decision" in points  # its count
    method = Client().get("/en/offices/how-we-compute/").content.decode()
    for key, _body in figures:
        assert f'id="{key}"' in method


def test_no_personal_data_on_the_public_pages(three, manager, officer):
    texts = [
        Client().get(url).content.decode()
        for url in (
            "/offices/",
            "/en/offices/",
            f"/offices/{three[0].uid}/",
            f"/en/offices/{three[0].uid}/",
            f"/en/offices/compare/?office={three[0].uid}&office={three[1].uid}",
        )
    ]
    for text in texts:
        for secret in (
            manager.national_id,
            manager.masked_id,
            manager.mobile,
            manager.last_name,
            manager.first_name,
            officer.last_name,
        ):
            assert secret not in text


def test_two_offices_compared_side_by_side(three):
    response = Client().get(f"/en/offices/compare/?office={three[0].uid}&office={three[1].uid}")
    text = response.content.decode()
    assert three[0].name_en in text and three[1].name_en in text
    assert text.count("How we compute this") >= 8
    alone = Client().get(f"/en/offices/compare/?office={three[0].uid}").content.decode()
    assert "Choose two or three offices" in alone
    nonsense = Client().get("/en/offices/compare/?office=x&office=%00")
    assert nonsense.status_code in (200, 400)


def test_an_unknown_office_is_404():
    for path in ("/offices/not-an-id/", "/en/offices/00000000-0000-0000-0000-000000000000/"):
        assert Client().get(path).status_code == 404


def _fill(officer, count):
    for _n in range(count):
        register_office(officer, nationalities=("PHL", "KEN"))


def test_the_directory_costs_the_same_queries_however_many_offices(
    officer, three, django_assert_max_num_queries
):
    client = Client()
    client.get("/en/offices/?nationality=KEN&sort=price")  # warm up: sessions, content types
    with django_assert_max_num_queries(8) as few:
        assert client.get("/en/offices/?nationality=KEN&sort=price").status_code == 200
    _fill(officer, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/en/offices/?nationality=KEN&sort=price").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/en/offices/?page=2").status_code == 200


def test_an_office_page_costs_the_same_queries_however_many_records(
    officer, three, manager, django_assert_max_num_queries
):
    client = Client()
    url = f"/en/offices/{three[0].uid}/"
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(6):
        services.office_act(
            office=three[0],
            action=Action.PENALISE,
            actor=officer,
            points=1,
            ground="delay",
            reason=f"{n}",
        )
    price(three[0], manager, nationality="PHL", occupation="cook", amount="13000")
    price(three[0], manager, nationality="KEN", occupation="cook", amount="8500")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def _complaints(offices, owner, count):
    """``count`` complaints about ``offices`` in turn, in every state (the scorecard counts
    them all and the resolved ones)."""
    from musaned.complaints.models import Complaint, ComplaintState, ServiceLevel

    level = ServiceLevel.objects.order_by("-effective_from").first()
    due = timezone.now() + dt.timedelta(days=5)
    states = list(ComplaintState)
    for n in range(count):
        Complaint.objects.create(
            number=f"7{n:011d}",
            owner=owner,
            category="office",
            office=offices[n % len(offices)],
            subject="Late",
            description="The worker is late.",
            contact_preference="sms",
            state=states[n % len(states)],
            service_level=level,
            first_answer_due=due,
            resolution_due=due,
        )


def test_the_directory_and_its_api_cost_the_same_queries_however_many_complaints(
    officer, three, beneficiary, service_level, django_assert_max_num_queries
):
    from musaned.complaints.models import Complaint
    from musaned.offices import sources
    from musaned.offices.tests.test_api import Api

    counted = sources.complaints_from(Complaint, resolved_states={"resolved", "closed"})
    pages = [
        "/en/offices/?nationality=KEN&sort=price",
        "/en/offices/?sort=price&page=1",
        f"/en/offices/{three[0].uid}/",
    ]
    api = ["/offices?nationality=KEN&sort=price", f"/offices/{three[0].uid}"]
    with sources.swapped(complaints=counted):
        client = Client()

        def queries() -> list[int]:
            found = []
            for path in pages:
                with django_assert_max_num_queries(20) as run:
                    assert client.get(path).status_code == 200
                found.append(len(run.captured_queries))
            for path in api:
                with django_assert_max_num_queries(20) as run:
                    assert Api().get(path).status_code == 200
                found.append(len(run.captured_queries))
            return found

        queries()  # warm up: sessions, content types
        few = queries()
        _complaints(three, beneficiary, 45)
        _fill(officer, 25)
        assert queries() == few
        # The complaints are in the figures (counted in the same queries).
        body = Api().get(f"/offices/{three[0].uid}").json()
        filed = {f["key"]: f for f in body["figures"]}["complaints-resolved"]
        assert filed["count"] == 15
