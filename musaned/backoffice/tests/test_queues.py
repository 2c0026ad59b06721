"""The complaint queues and the visa quality-check queue: tabs, filters, exact search,
pages of 25, the due time and overdue marker, and query counts that do not grow."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from musaned.complaints.models import Complaint, ComplaintState
from musaned.complaints.tests.factories import file_complaint
from musaned.complaints.workflow import Action
from musaned.core.models import AuditEvent
from musaned.core.workflow import transition
from musaned.visas.tests.factories import in_quality_check

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    """The complaint or request numbers listed in the queue's table, in order."""
    return re.findall(
        r'<th scope="row"><a href="[^"]+" dir="ltr">([0-9A-Z]+)</a></th>', response.content.decode()
    )


@pytest.fixture
def board(citizen, officer, other_officer, supervisor):
    """One complaint in each queue."""
    new = file_complaint(citizen, subject="New one")
    mine = file_complaint(citizen, subject="Mine", category="payment")
    transition(obj=mine, action=Action.TAKE, actor=officer)
    theirs = file_complaint(citizen, subject="Theirs")
    transition(obj=theirs, action=Action.TAKE, actor=other_officer)
    waiting = file_complaint(citizen, subject="Waiting")
    transition(obj=waiting, action=Action.TAKE, actor=officer)
    transition(obj=waiting, action=Action.ASK_INFO, actor=officer, message="Which office?")
    late = file_complaint(citizen, subject="Late")
    Complaint.objects.filter(pk=late.pk).update(
        first_answer_due=timezone.now() - dt.timedelta(hours=1)
    )
    escalated = file_complaint(citizen, subject="Escalated")
    transition(obj=escalated, action=Action.ESCALATE, actor=None)
    return {
        "new": new,
        "mine": mine,
        "theirs": theirs,
        "waiting": waiting,
        "late": late,
        "escalated": escalated,
    }


def test_each_tab_lists_its_complaints(officer, board, signed_in):
    client = signed_in(officer)
    b = {name: c.number for name, c in board.items()}
    assert set(numbers(client.get("/backoffice/"))) == {b["new"], b["late"]}  # new, unassigned
    assert set(numbers(client.get("/backoffice/?tab=mine"))) == {b["mine"], b["waiting"]}
    assert numbers(client.get("/backoffice/?tab=waiting")) == [b["waiting"]]
    assert numbers(client.get("/backoffice/?tab=overdue")) == [b["late"]]
    assert numbers(client.get("/backoffice/?tab=escalated")) == [b["escalated"]]
    assert len(numbers(client.get("/backoffice/?tab=all"))) == 6


def test_filters_by_category_and_state(officer, board, signed_in):
    client = signed_in(officer)
    assert numbers(client.get("/backoffice/?tab=all&category=payment")) == [board["mine"].number]
    in_review = numbers(client.get("/backoffice/?tab=all&state=in_review"))
    assert set(in_review) == {board["mine"].number, board["theirs"].number}


def test_an_unknown_filter_value_is_an_error_not_a_500(officer, board, signed_in):
    response = signed_in(officer).get("/backoffice/?tab=all&state=nonsense")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_search_by_number_or_id_number_is_exact_and_across_every_tab(
    officer, board, resident, signed_in
):
    theirs = file_complaint(resident, subject="Someone else's")
    client = signed_in(officer)
    assert numbers(client.get(f"/backoffice/?q={board['escalated'].number}")) == [
        board["escalated"].number
    ]
    assert numbers(client.get("/backoffice/?q=2000000006")) == [theirs.number]
    assert numbers(client.get("/backoffice/?q=200000000")) == []  # not a partial match
    assert numbers(client.get(f"/backoffice/?q={board['new'].number[:-1]}")) == []
    # Arabic-Indic digits are the same ID.
    assert numbers(client.get("/backoffice/?q=٢٠٠٠٠٠٠٠٠٦")) == [theirs.number]
    search = AuditEvent.objects.filter(action="backoffice.complaint_search").first()
    assert search.actor == officer
    assert search.data["query"] == "2*******06"  # never the whole ID number


def test_a_row_shows_the_due_time_the_officer_and_the_overdue_marker(officer, board, signed_in):
    page = signed_in(officer).get("/en/backoffice/?tab=all").content.decode()
    assert "answer due by" in page
    assert page.count(">overdue<") == 1
    assert "Salem" in page  # the officer's name on the rows they took
    assert "1*******08" in page and "1000000008" not in page


def test_pages_of_25(officer, citizen, settings, signed_in):
    settings.MUSANED_COMPLAINTS_PER_DAY = 100  # the daily limit per beneficiary is not tested here
    for i in range(30):
        file_complaint(citizen, subject=f"Complaint {i}")
    client = signed_in(officer)
    first, second = client.get("/backoffice/"), client.get("/backoffice/?page=2")
    assert len(numbers(first)) == 25 and len(numbers(second)) == 5
    assert not set(numbers(first)) & set(numbers(second))
    assert "page=2" in first.content.decode()


def queue_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("tab", ["new", "mine", "all", "overdue"])
def test_the_queue_costs_the_same_queries_for_3_and_30_complaints(
    officer, other_officer, citizen, resident, settings, tab, signed_in
):
    settings.MUSANED_COMPLAINTS_PER_DAY = 100
    client = signed_in(officer)
    owners = [citizen, resident]

    def add(count):
        for i in range(count):
            complaint = file_complaint(owners[i % 2], subject=f"Complaint {i}")
            if tab == "mine" or i % 3 == 0:
                transition(
                    obj=complaint,
                    action=Action.TAKE,
                    actor=officer if tab == "mine" else other_officer,
                )
        Complaint.objects.update(first_answer_due=timezone.now() - dt.timedelta(hours=1))

    add(3)
    client.get(f"/backoffice/?tab={tab}")  # warm: session, permissions
    few = queue_queries(client, f"/backoffice/?tab={tab}")
    add(27)
    many = queue_queries(client, f"/backoffice/?tab={tab}")
    assert few == many


def test_the_quality_queue_lists_requests_in_review_oldest_first(reviewer, exempt, signed_in):
    first = in_quality_check(exempt)
    second = in_quality_check(exempt)
    page = signed_in(reviewer).get("/backoffice/visas/")
    assert numbers(page) == [first.reference, second.reference]
    assert "1*******16" in page.content.decode()


def test_the_quality_queue_costs_the_same_queries_for_1_and_3_requests(reviewer, exempt, signed_in):
    client = signed_in(reviewer)
    in_quality_check(exempt)
    client.get("/backoffice/visas/")
    few = queue_queries(client, "/backoffice/visas/")
    for _ in range(2):
        in_quality_check(exempt)
    assert queue_queries(client, "/backoffice/visas/") == few


def test_a_waiting_complaint_shows_the_paused_clock(officer, board, signed_in):
    page = signed_in(officer).get("/en/backoffice/?tab=waiting").content.decode()
    assert "clock paused" in page
    assert Complaint.objects.get(pk=board["waiting"].pk).state == ComplaintState.WAITING


@pytest.mark.parametrize(
    ("count", "said"), [(1, "(شكوى واحدة)"), (2, "(شكويان)"), (3, ">3</span> شكاوى)")]
)
def test_the_queue_counts_complaints_as_arabic_does(officer, citizen, count, said, signed_in):
    for _ in range(count):
        file_complaint(citizen)
    page = signed_in(officer).get("/backoffice/").content.decode()
    caption = re.search(r"<caption>(.*?)</caption>", page, re.S).group(1)
    assert said in caption
    assert "2 شكوى" not in caption
