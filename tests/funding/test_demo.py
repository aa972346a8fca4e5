"""`manage.py load_demo`, which `make run` calls: a user per role, lists to screen against,
and nothing doubled when it runs again."""

import pytest
from django.core.management import call_command

from accounts.models import User
from checks.models import ListedEntity, Snapshot
from checks.screening import screen_organisation
from funding.management.commands.load_demo import DEMO_PASSWORD
from funding.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_gives_a_user_per_role_with_the_printed_password(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for role in User.Role:
        user = User.objects.filter(role=role).first()
        assert user is not None, role
        assert user.is_active and user.check_password(DEMO_PASSWORD)
        assert f"user: {user.username}" in out
    assert User.objects.get(username="researcher").researcher_profile.orcid
    assert Programme.objects.count() == 2


def test_demo_lists_are_loaded_once_and_screened_against():
    call_command("load_demo")
    call_command("load_demo")
    kinds = sorted(Snapshot.objects.values_list("kind", flat=True))
    assert kinds == [Snapshot.Kind.CSL, Snapshot.Kind.METI_EUL]
    assert ListedEntity.objects.filter(snapshot__kind=Snapshot.Kind.METI_EUL).count() == 10
    assert User.objects.filter(username="researcher").count() == 1

    result = screen_organisation("Eastern Star Precision Optics Company Limited")
    assert [m["entity_name"] for m in result["matches"]] == [
        "Eastern Star Precision Optics Co., Ltd."
    ]
    in_japanese = screen_organisation("東方精密機械研究所")
    assert "Dongfang Precision Machinery Research Institute" in [
        m["entity_name"] for m in in_japanese["matches"]
    ]
