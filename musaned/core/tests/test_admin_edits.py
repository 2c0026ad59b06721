"""What staff change by hand in the admin goes through the audited services; a rule set
in force cannot change; rows that change only through services are read-only, with one
mixin for all of them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory, UserFactory
from musaned.complaints.models import ServiceLevel
from musaned.core.admin import AuditedChangeMixin, ReadOnlyAdminMixin
from musaned.core.errors import MESSAGES, CoreErrorCode
from musaned.core.models import AuditEvent, Holiday
from musaned.visas.models import CapacityTier, RuleSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return StaffFactory(username="root", is_superuser=True)


@pytest.fixture
def as_root(client, root):
    """The admin, signed in as root."""
    client.force_login(root)
    return client


def _unsaved_rule_set(effective_from: dt.date, **fields) -> RuleSet:
    values = {
        "fee": Decimal("2000.00"),
        "min_age": 21,
        "validity_months": 12,
        "fix_window_days": 7,
        "payment_days": 3,
        "note": "",
        **fields,
    }
    return RuleSet(effective_from=effective_from, **values)


def _rule_set(effective_from: dt.date, **fields) -> RuleSet:
    rule_set = _unsaved_rule_set(effective_from, **fields)
    rule_set.save()
    return rule_set


def _form(rule_set: RuleSet, **changes) -> dict:
    data = {
        "effective_from": rule_set.effective_from.isoformat(),
        "fee": str(rule_set.fee),
        "min_age": rule_set.min_age,
        "validity_months": rule_set.validity_months,
        "fix_window_days": rule_set.fix_window_days,
        "payment_days": rule_set.payment_days,
        "note": rule_set.note,
        "tiers-TOTAL_FORMS": "0",
        "tiers-INITIAL_FORMS": "0",
        "tiers-MIN_NUM_FORMS": "0",
        "tiers-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def _tier_form(tier: CapacityTier, *, min_salary: str) -> dict:
    """The rule set's one capacity tier, sent back with ``min_salary``."""
    return {
        "tiers-TOTAL_FORMS": "1",
        "tiers-INITIAL_FORMS": "1",
        "tiers-0-id": str(tier.pk),
        "tiers-0-rule_set": str(tier.rule_set_id),
        "tiers-0-category": "citizen",
        "tiers-0-visa_number": "1",
        "tiers-0-min_salary": min_salary,
    }


TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today(settings):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


# --- Rule sets -----------------------------------------------------------------------------


@pytest.mark.parametrize("days_ago", [0, 400])
def test_a_rule_set_in_force_opens_read_only_and_refuses_a_change(as_root, days_ago):
    rule_set = _rule_set(TODAY - dt.timedelta(days=days_ago), fee=Decimal("2000.00"))
    url = f"/en/admin/visas/ruleset/{rule_set.pk}/change/"

    page = as_root.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html and 'name="fee"' not in html  # the read-only view
    assert "2000" in html

    response = as_root.post(url, _form(rule_set, fee="1.00"))
    assert response.status_code == 403
    rule_set.refresh_from_db()
    assert rule_set.fee == Decimal("2000.00")
    assert not AuditEvent.objects.filter(action__startswith="admin.record_").exclude(
        action="admin.record_viewed"
    )


def test_a_rule_set_in_force_cannot_be_deleted_one_by_one_or_in_a_batch(as_root):
    in_force = _rule_set(TODAY - dt.timedelta(days=30))
    future = _rule_set(TODAY + dt.timedelta(days=30))

    assert (
        as_root.post(f"/en/admin/visas/ruleset/{in_force.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    as_root.post(
        "/en/admin/visas/ruleset/",
        {"action": "delete_selected", "_selected_action": [in_force.pk, future.pk], "post": "yes"},
    )
    assert RuleSet.objects.filter(pk=in_force.pk).exists()


def test_the_tiers_of_a_rule_set_in_force_cannot_change(as_root):
    rule_set = _rule_set(TODAY - dt.timedelta(days=1))
    tier = CapacityTier.objects.create(
        rule_set=rule_set, category="citizen", visa_number=1, min_salary=Decimal("5000")
    )
    data = _form(rule_set, **_tier_form(tier, min_salary="1"))
    assert as_root.post(f"/en/admin/visas/ruleset/{rule_set.pk}/change/", data).status_code == 403
    tier.refresh_from_db()
    assert tier.min_salary == Decimal("5000")


def test_a_future_rule_set_is_edited_with_an_audit_row_of_old_and_new_values(as_root, root):
    rule_set = _rule_set(TODAY + dt.timedelta(days=10), fee=Decimal("2000.00"))
    tier = CapacityTier.objects.create(
        rule_set=rule_set, category="citizen", visa_number=1, min_salary=Decimal("5000")
    )
    data = _form(
        rule_set,
        fee="2500.00",
        **_tier_form(tier, min_salary="6000"),
    )
    response = as_root.post(f"/en/admin/visas/ruleset/{rule_set.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule_set.refresh_from_db()
    tier.refresh_from_db()
    assert rule_set.fee == Decimal("2500.00") and tier.min_salary == Decimal("6000")

    changed = AuditEvent.objects.get(action="admin.record_changed", target_type="visas.ruleset")
    assert changed.actor == root and changed.target_id == str(rule_set.pk)
    assert changed.data["fields"] == ["fee"]
    assert changed.data["old"] == {"fee": "2000.00"} and changed.data["new"] == {"fee": "2500.00"}
    tier_row = AuditEvent.objects.get(
        action="admin.record_changed", target_type="visas.capacitytier"
    )
    assert tier_row.data["old"] == {"min_salary": "5000.00"}
    assert tier_row.data["new"] == {"min_salary": "6000"} or tier_row.data["new"] == {
        "min_salary": "6000.00"
    }


def test_a_future_rule_set_is_deleted_with_what_it_held(as_root, root):
    rule_set = _rule_set(TODAY + dt.timedelta(days=10), fee=Decimal("2100.00"))
    response = as_root.post(f"/en/admin/visas/ruleset/{rule_set.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RuleSet.objects.filter(pk=rule_set.pk).exists()
    deleted = AuditEvent.objects.get(action="admin.record_deleted")
    assert (deleted.actor, deleted.target_type, deleted.target_id) == (
        root,
        "visas.ruleset",
        str(rule_set.pk),
    )
    assert deleted.data["old"]["fee"] == "2100.00"


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("days", [0, -1])
def test_a_new_rule_set_takes_effect_on_a_future_date(as_root, days, language):
    from django.utils import translation
    from django.utils.html import escape

    template = _unsaved_rule_set(TODAY + dt.timedelta(days=days))
    prefix = "" if language == "ar" else f"/{language}"  # Arabic is the default: no prefix
    response = as_root.post(f"{prefix}/admin/visas/ruleset/add/", _form(template))
    assert response.status_code == 200  # the form again, with the error
    with translation.override(language):
        said = escape(str(MESSAGES[CoreErrorCode.RULE_DATE_NOT_FUTURE]))
    assert said in response.content.decode()
    assert language == "en" or "تسري القواعد الجديدة" in said
    assert not RuleSet.objects.filter(effective_from=template.effective_from).exists()


def test_a_new_future_rule_set_is_added_with_its_values_audited(as_root, root):
    template = _unsaved_rule_set(TODAY + dt.timedelta(days=1), fee=Decimal("2300.00"))
    response = as_root.post("/en/admin/visas/ruleset/add/", _form(template))
    assert response.status_code == 302, response.content.decode()[:2000]
    added = AuditEvent.objects.get(action="admin.record_added")
    assert added.actor == root
    assert added.data["new"]["fee"] == "2300.00"
    assert added.data["new"]["effective_from"] == (TODAY + dt.timedelta(days=1)).isoformat()


def test_the_service_itself_refuses_a_rule_set_in_force(root):
    """Not only the admin page: the service refuses, whoever calls it."""
    from musaned.core import services
    from musaned.core.errors import ApplicationError

    rule_set = _rule_set(TODAY)
    rule_set.fee = Decimal("1")
    with pytest.raises(ApplicationError) as refused:
        services.dated_rule_save(actor=root, record=rule_set)
    assert refused.value.code == CoreErrorCode.RULE_IN_FORCE
    with pytest.raises(ApplicationError):
        services.dated_rule_delete(actor=root, record=rule_set)
    assert RuleSet.objects.get(pk=rule_set.pk).fee == Decimal("2000.00")


# --- Service levels and holidays -------------------------------------------------------------


def test_a_service_level_change_is_audited_with_old_and_new_values(as_root, root):
    level = ServiceLevel.objects.create(
        effective_from=TODAY + dt.timedelta(days=5),
        first_answer_days=3,
        resolution_days=10,
        reopen_days=7,
    )
    response = as_root.post(
        f"/en/admin/complaints/servicelevel/{level.pk}/change/",
        {
            "effective_from": level.effective_from.isoformat(),
            "first_answer_days": "2",
            "resolution_days": "10",
            "reopen_days": "7",
            "office_answer_days": "5",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.record_changed")
    assert event.actor == root and event.target_type == "complaints.servicelevel"
    assert event.data["old"] == {"first_answer_days": "3"}
    assert event.data["new"] == {"first_answer_days": "2"}


def test_a_holiday_added_and_deleted_is_audited(as_root, root):
    response = as_root.post(
        "/en/admin/core/holiday/add/",
        {"date": "2026-12-02", "name_ar": "اليوم الوطني", "name_en": "National Day"},
    )
    assert response.status_code == 302
    holiday = Holiday.objects.get(date=dt.date(2026, 12, 2))
    added = AuditEvent.objects.get(action="admin.record_added")
    assert added.data["new"] == {
        "date": "2026-12-02",
        "name_ar": "اليوم الوطني",
        "name_en": "National Day",
    }
    as_root.post(f"/en/admin/core/holiday/{holiday.pk}/delete/", {"post": "yes"})
    assert not Holiday.objects.exists()
    assert AuditEvent.objects.get(action="admin.record_deleted").data["old"]["name_en"] == (
        "National Day"
    )


# --- People's accounts -------------------------------------------------------------------------


def test_an_account_changed_in_the_admin_records_the_fields_not_the_values(as_root, root):
    person = UserFactory(username="noura", mobile="+966500000002")
    page = as_root.get(f"/en/admin/accounts/user/{person.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "email": "noura2@example.com",
            "is_active": "on",
            "date_joined_0": person.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": person.date_joined.strftime("%H:%M:%S"),
            "preferred_language": "ar",
            "user_permissions": [Permission.objects.get(codename="view_bill").pk],
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = as_root.post(f"/en/admin/accounts/user/{person.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.email == "noura2@example.com"
    event = AuditEvent.objects.get(action="admin.record_changed")
    assert event.actor == root and event.target_id == str(person.pk)
    assert "email" in event.data["fields"] and "user_permissions" in event.data["fields"]
    assert "old" not in event.data and "new" not in event.data
    assert "noura" not in str(event.data)


def test_a_password_set_by_staff_is_audited_without_the_password(as_root, root):
    person = UserFactory(username="ahmed")
    new = "Correct-horse-battery-9"
    response = as_root.post(
        f"/en/admin/accounts/user/{person.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
    event = AuditEvent.objects.get(action="password.set_by_staff")
    assert (event.actor, event.target_id, event.data) == (root, str(person.pk), {"usable": True})
    assert new not in str(AuditEvent.objects.values_list("data", flat=True))


# --- Every admin ---------------------------------------------------------------------------------


def _musaned_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("musaned.")
    ]


def test_every_admin_that_changes_anything_does_it_through_the_services(root, rf):
    request = rf.get("/")
    request.user = root
    for model, model_admin in _musaned_admins():
        writes = (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        if writes:
            assert isinstance(model_admin, AuditedChangeMixin), model
        else:
            assert isinstance(model_admin, ReadOnlyAdminMixin), model
        for inline in model_admin.get_inline_instances(request):
            inline_writes = inline.has_add_permission(
                request, None
            ) or inline.has_change_permission(request, None)
            assert inline_writes == writes or isinstance(inline, ReadOnlyAdminMixin), inline


def test_read_only_admins_share_one_mixin_and_refuse_every_write(as_root, root):
    from musaned.notifications.models import Notification
    from musaned.payments.models import Bill, PaymentEvent
    from musaned.visas.models import VisaApplication

    for model in (AuditEvent, Bill, PaymentEvent, Notification, VisaApplication):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdminMixin), model
        label = model._meta.label_lower.replace(".", "/")
        assert as_root.get(f"/en/admin/{label}/add/").status_code == 403, model
    event = AuditEvent.objects.create(action="x", created_at=timezone.now())
    assert as_root.post(f"/en/admin/core/auditevent/{event.pk}/delete/").status_code == 403


def test_staff_in_a_role_without_the_rule_permissions_cannot_add_a_rule_set(client):
    reviewer = StaffFactory(username="reviewer1", roles=["reviewer"])
    assert reviewer.groups.filter(name="reviewer").exists()
    client.force_login(reviewer)
    assert client.get("/en/admin/visas/ruleset/add/").status_code == 403
    assert client.post("/en/admin/visas/ruleset/add/", {}).status_code == 403
    assert not AuditEvent.objects.filter(action="admin.record_added").exists()
