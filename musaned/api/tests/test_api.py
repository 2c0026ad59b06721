"""The REST API v1: tokens, own objects only, idempotency, errors in the caller's language."""

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings

from musaned.api.models import ApiToken
from musaned.visas import services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import DRAFT, complete_draft

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_token_made_on_the_profile_page_opens_the_api_until_revoked(citizen, api):
    web = Client()
    web.force_login(citizen)
    page = web.post("/en/profile/api-tokens/", {"name": "office system"})
    raw = page.context["new_token"]
    assert raw in page.text
    assert api(raw).get("/visa-applications").status_code == 200
    token = ApiToken.objects.get(user=citizen)
    assert token.last_used_at is not None
    assert raw not in token.key_hash
    listing = web.get("/en/profile/api-tokens/").text
    assert "office system" in listing and raw not in listing
    web.post(f"/en/profile/api-tokens/{token.pk}/revoke/")
    refused = api(raw).get("/visa-applications")
    assert refused.status_code == 401
    assert set(refused.json()) == {"code", "message", "fields"}


def test_garbage_tokens_and_sessions_do_not_open_the_api(citizen, api):
    assert api("not-a-token").get("/eligibility").status_code == 401
    web = Client()
    web.force_login(citizen)
    assert web.get("/api/v1/eligibility").status_code == 401  # a session cookie is not enough


def test_someone_elses_token_cannot_be_revoked(citizen, resident, token_for):
    token_for(citizen)
    web = Client()
    web.force_login(resident)
    token = ApiToken.objects.get(user=citizen)
    assert web.post(f"/en/profile/api-tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_create_and_submit_a_draft_with_idempotency(citizen, api, token_for):
    client = api(token_for(citizen))
    first = client.post("/visa-applications", DRAFT, key="create-1")
    assert first.status_code == 201
    again = client.post("/visa-applications", DRAFT, key="create-1")
    assert (again.status_code, again.json()) == (201, first.json())
    assert VisaApplication.objects.filter(owner=citizen).count() == 1
    other = client.post("/visa-applications", {**DRAFT, "worker_gender": "M"}, key="create-1")
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    missing = client.post("/visa-applications", DRAFT)
    assert (missing.status_code, missing.json()["code"]) == (400, "idempotency_key_required")

    reference = first.json()["reference"]
    # Documents are attached on the website; without them the submit is refused, with the reason.
    refused = client.post(f"/visa-applications/{reference}/submit", key="submit-1")
    assert refused.status_code == 422
    assert refused.json()["code"] == "incomplete"


def test_submitting_a_complete_draft_gives_the_bill(citizen, api, token_for):
    draft = complete_draft(citizen)
    client = api(token_for(citizen))
    response = client.post(f"/visa-applications/{draft.reference}/submit", key="s-1")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == VisaState.AWAITING_PAYMENT
    assert body["bill"]["amount"] == "2000.00" and body["bill"]["pay_url"]
    replay = client.post(f"/visa-applications/{draft.reference}/submit", key="s-1")
    assert replay.json() == body


def test_another_users_objects_answer_404(citizen, resident, api, token_for):
    draft = complete_draft(citizen)
    stranger = api(token_for(resident))
    assert stranger.get(f"/visa-applications/{draft.reference}").status_code == 404
    assert stranger.post(f"/visa-applications/{draft.reference}/submit", key="x").status_code == 404
    assert stranger.get("/visa-applications").json() == []
    assert VisaApplication.objects.get(pk=draft.pk).state == VisaState.DRAFT


def test_errors_speak_the_callers_language(citizen, api, token_for):
    raw = token_for(citizen)
    arabic = api(raw, language="ar").post(
        "/visa-applications", {**DRAFT, "occupation": "astronaut"}, key="k"
    )
    english = api(raw, language="en").post(
        "/visa-applications", {**DRAFT, "occupation": "astronaut"}, key="k2"
    )
    assert arabic.status_code == english.status_code == 422
    assert english.json()["message"] == "Some values are not valid."
    assert arabic.json()["message"] != english.json()["message"]
    assert "occupation" in english.json()["fields"]


def test_eligibility_verdicts(violator, api, token_for):
    verdicts = {v["rule"]: v for v in api(token_for(violator)).get("/eligibility").json()}
    assert verdicts["traffic"]["status"] == "fail"
    assert verdicts["traffic"]["advice"]


def test_public_inquiry_found_and_not_found_look_alike(exempt, citizen, api):
    visa = services.visa_application_submit(application=complete_draft(exempt), actor=exempt)
    found = api().post(
        "/visa-inquiry", {"issued_number": visa.issued_number, "national_id": exempt.national_id}
    )
    assert found.status_code == 200
    assert found.json()["visa_number"] == visa.visa_number
    assert found.json()["sponsor"] == "نورة ا***"
    mismatch = api().post(
        "/visa-inquiry", {"issued_number": visa.issued_number, "national_id": citizen.national_id}
    )
    unknown = api().post(
        "/visa-inquiry", {"issued_number": "4000000000", "national_id": citizen.national_id}
    )
    assert mismatch.status_code == unknown.status_code == 404
    assert mismatch.json() == unknown.json()


@override_settings(MUSANED_RATE_INQUIRY="2/m")
def test_api_inquiry_limit_trips_and_resets(api):
    body = {"issued_number": "4000000000", "national_id": "1000000008"}
    start = dt.datetime(2026, 11, 25, 10, 0, 5, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert api().post("/visa-inquiry", body).status_code == 404
        assert api().post("/visa-inquiry", body).status_code == 404
        limited = api().post("/visa-inquiry", body)
        assert (limited.status_code, limited.json()["code"]) == (429, "rate_limited")
        assert limited["Retry-After"] == "60"
        clock.shift(dt.timedelta(minutes=1))
        assert api().post("/visa-inquiry", body).status_code == 404


def test_the_docs_page_lists_every_operation_and_links_the_schema(client):
    page = client.get("/en/api/docs/").text
    for path in ("/api/v1/visa-inquiry", "/api/v1/visa-applications", "/api/v1/eligibility"):
        assert path in page
    # visa create and submit; complaint file, reply, accept the office's answer and ask the
    # ministry; office price set, change and remove; the office's answer to a complaint:
    # read from the schema
    assert page.count("· Idempotency-Key") == 10
    assert "API" in client.get("/en/").text and 'href="/en/api/docs/"' in client.get("/en/").text
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")


def test_paging_is_bounded_and_out_of_range_is_a_translated_422(citizen, api, token_for):
    client = api(token_for(citizen), language="ar")
    for query in ("offset=100000000000000000000", "limit=0", "limit=101", "offset=-1"):
        response = client.get(f"/visa-applications?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid"
        assert set(body["fields"]) <= {"limit", "offset"} and body["fields"]
    missing = client.post("/visa-applications", {"occupation": "housemaid"}, key="k")
    assert missing.json()["fields"]["nationality"] == ["هذا الحقل مطلوب."]
    english = api(token_for(citizen)).post("/visa-applications", {}, key="k2")
    assert english.json()["fields"]["occupation"] == ["This field is required."]


def test_the_list_pages_and_keeps_its_query_count(
    citizen, api, token_for, django_assert_max_num_queries
):
    services.visa_application_submit(application=complete_draft(citizen), actor=citizen)
    complete_draft(citizen)
    complete_draft(citizen)
    client = api(token_for(citizen))
    with django_assert_max_num_queries(6):
        rows = client.get("/visa-applications").json()
    assert len(rows) == 3
    assert [r["bill"] is not None for r in rows] == [False, False, True]
    paged = client.get("/visa-applications?limit=2&offset=1").json()
    assert [r["reference"] for r in paged] == [r["reference"] for r in rows[1:]]
    for row in rows:
        assert client.get(f"/visa-applications/{row['reference']}").json() == row


def test_not_json_wrong_method_and_unknown_address_answer_the_error_shape(citizen, api, token_for):
    client = api(token_for(citizen), language="ar")
    bad = client.client.post(
        "/api/v1/visa-inquiry", data="{not json", content_type="application/json", **client.headers
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "malformed")
    assert bad.json()["message"] == "أدخل مدخل JSON صالح."
    wrong = client.client.delete("/api/v1/visa-applications", **client.headers)
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    assert "GET" in wrong["Allow"]
    schema_post = client.client.post("/api/v1/openapi.json")
    assert (schema_post.status_code, schema_post.json()["code"]) == (405, "method_not_allowed")
    unknown = client.get("/no-such-thing")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert unknown.json()["message"] == "غير موجود."


def test_401_names_the_scheme(api):
    response = api().get("/eligibility")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_idempotency_key_is_in_the_schema_and_too_long_is_400(citizen, api, token_for):
    schema = api().get("/openapi.json").json()
    assert schema["info"]["version"] == "1.0.0"
    for path in ("/api/v1/visa-applications", "/api/v1/visa-applications/{reference}/submit"):
        headers = [p["name"] for p in schema["paths"][path]["post"]["parameters"]]
        assert "Idempotency-Key" in headers
    response = api(token_for(citizen)).post("/visa-applications", DRAFT, key="k" * 101)
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")


def test_keys_belong_to_one_user(citizen, resident, api, token_for):
    first = api(token_for(citizen)).post("/visa-applications", DRAFT, key="shared")
    second = api(token_for(resident)).post("/visa-applications", DRAFT, key="shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["reference"] != second.json()["reference"]


def test_a_duplicate_that_slips_past_the_lock_answers_the_first_answer(citizen, monkeypatch):
    """The user's row lock makes a second request with one key wait. Should one slip
    past it (its first look finds nothing because the other had not committed yet), the
    unique (user, key) constraint rolls its work back and it answers the saved answer."""
    from musaned.api import services as api_services
    from musaned.api.models import IdempotencyRecord

    IdempotencyRecord.objects.create(
        user=citizen, key="race", request_hash="h", status=201, body={"first": True}
    )
    real, looks = api_services._saved_answer, []

    def first_look_misses(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else real(**kwargs)

    monkeypatch.setattr(api_services, "_saved_answer", first_look_misses)

    def run():
        services.visa_application_create(owner=citizen)
        return 201, {"second": True}

    answer = api_services.idempotent(user=citizen, key="race", fingerprint="h", run=run)
    assert answer == (201, {"first": True}, False)
    assert not VisaApplication.objects.filter(owner=citizen).exists()


def test_a_duplicate_with_no_saved_answer_is_a_409(citizen, monkeypatch):
    from musaned.api import services as api_services
    from musaned.api.models import IdempotencyRecord

    monkeypatch.setattr(api_services, "_saved_answer", lambda **kwargs: None)

    def run():
        services.visa_application_create(owner=citizen)
        IdempotencyRecord.objects.create(  # what a concurrent request would have saved
            user=citizen, key="race", request_hash="h", status=201, body={}
        )
        return 201, {}

    with pytest.raises(api_services.IdempotencyConflict) as raised:
        api_services.idempotent(user=citizen, key="race", fingerprint="h", run=run)
    assert raised.value.status == 409
    assert not VisaApplication.objects.filter(owner=citizen).exists()


def test_a_token_is_touched_at_most_once_a_minute(citizen, api, token_for):
    raw = token_for(citizen)
    start = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        api(raw).get("/eligibility")
        assert ApiToken.objects.get().last_used_at == start
        clock.shift(dt.timedelta(seconds=30))
        api(raw).get("/eligibility")
        assert ApiToken.objects.get().last_used_at == start
        clock.shift(dt.timedelta(seconds=31))
        api(raw).get("/eligibility")
        assert ApiToken.objects.get().last_used_at == start + dt.timedelta(seconds=61)
