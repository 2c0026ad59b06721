"""Staff roles come from a data migration, each with the permissions its actions check."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def perms(name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=name).permissions.all()
    }


def test_the_three_roles_exist_with_their_named_permissions():
    assert "visas.decide_visaapplication" in perms("reviewer")
    assert "complaints.handle_complaint" in perms("complaints officer")
    assert "complaints.supervise_complaint" not in perms("complaints officer")
    assert {"complaints.supervise_complaint", "core.view_auditevent"} <= perms("supervisor")


def test_a_reviewer_may_decide_quality_checks(django_user_model):
    user = django_user_model.objects.create_user(username="r", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="reviewer"))
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("visas.decide_visaapplication")
    assert not user.has_perm("complaints.handle_complaint")
