from __future__ import annotations

import pytest
from django.core.management import call_command

from province.accounts.models import Person
from province.backoffice.models import OfficerAccount, OfficerProfile, Unit

pytestmark = pytest.mark.django_db


def test_it_seeds_the_demo_back_office_idempotently(capsys):
    call_command("seed_backoffice")
    call_command("seed_backoffice")
    assert Unit.objects.filter(name="Sở Tư pháp").count() == 1
    an = OfficerProfile.objects.get(id_number="001099012345")
    assert sorted(an.person.officer_accounts.values_list("username", flat=True)) == ["an.motcua", "an.tuphap"]
    assert Person.objects.filter(id_number="001099012345").count() == 1
    assert OfficerAccount.objects.get(username="cuong.xaydung").suspended
    admin = OfficerAccount.objects.get(username="admin.motcua")
    assert admin.is_admin and admin.check_password("Motcua@2024")
    assert "admin.motcua" in capsys.readouterr().out


def test_it_shares_the_person_with_the_citizen_an(client, provider):
    from tests.province.conftest import citizen_claims

    call_command("seed_backoffice")
    provider.claims = citizen_claims(
        SoDinhDanh="001099012345", HoVaTen="NGUYỄN VĂN AN", NgayThangNamSinh="19990512", GioiTinh="Nam"
    )
    provider.login(client)
    assert Person.objects.filter(id_number="001099012345").count() == 1
    assert client.session["_auth_user_id"] == str(OfficerProfile.objects.get(id_number="001099012345").person_id)
