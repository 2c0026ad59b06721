"""What the complaint pages and messages say: Arabic number agreement (one, two, 3-10,
11-99, 100+ are said differently) and no label saying "(optional)" twice."""

import pytest
from django.utils import translation

from musaned.complaints.forms import FILES_HELP
from musaned.complaints.models import Complaint, ServiceLevel
from musaned.complaints.tests.factories import FORM, file_complaint
from musaned.notifications import sms

pytestmark = pytest.mark.django_db


def test_the_filing_sms_says_two_working_days_with_the_dual(
    citizen, django_capture_on_commit_callbacks, signed_in
):
    assert ServiceLevel.objects.get().first_answer_days == 2
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(citizen).post("/complaints/new/", FORM)
    body = next(m.body for m in sms.outbox if Complaint.objects.get().number in m.body)
    assert "خلال يومَي عمل" in body
    assert "2 يوم" not in body


@pytest.mark.parametrize(
    ("days", "said"),
    [(1, "خلال يوم واحد."), (2, "خلال يومين."), (7, "خلال 7 أيام."), (14, "خلال 14 يومًا.")],
)
def test_the_reopening_window_agrees_with_its_number(citizen, officer, days, said, signed_in):
    from musaned.complaints.workflow import Action
    from musaned.core.workflow import transition

    ServiceLevel.objects.update(reopen_days=days)
    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.RESOLVE, actor=officer, message="تم.")
    page = signed_in(citizen).get(f"/complaints/{complaint.number}/").content.decode()
    assert f"يمكنك إعادة فتح الشكوى بعد حلها {said}" in page


def test_the_files_hint_agrees_with_the_enforced_number():
    with translation.override("ar"):
        assert str(FILES_HELP).startswith("حتى 3 ملفات بصيغة PDF")
    with translation.override("en"):
        assert str(FILES_HELP).startswith("Up to 3 files: PDF")


def test_optional_is_said_once_on_the_attachments_and_the_comment(citizen, officer, signed_in):
    html = signed_in(citizen).get("/en/complaints/new/").content.decode()
    assert "(optional) (optional)" not in html.replace("</span>", "").replace(
        '<span class="field__optional">', ""
    )
    assert 'Attachments <span class="field__optional">(optional)</span>' in html
    with translation.override("en"):
        from musaned.complaints.forms import RatingForm

        rendered = str(RatingForm())
    assert 'Comment <span class="field__optional">(optional)</span>' in rendered
