"""A processing officer acts only on the dossiers handed to them or to nobody in particular;
receiving officers and leaders keep their role's actions on every dossier of the unit."""

from __future__ import annotations

import pytest
from django.db import transaction

from province.backoffice.models import Role
from province.dossiers import workflow
from province.dossiers.models import Dossier, Status
from tests.province.backoffice.factories import OfficerAccountFactory

from .conftest import World, officer_client

HELD = "Hồ sơ đang được giao cho cán bộ khác xử lý."


def assigned(world: World) -> tuple[Dossier, object, object]:
    """A received dossier handed to one processing officer (``xu_ly``), and a colleague."""
    officers = world.officers
    colleague = OfficerAccountFactory(unit=world.unit, role=Role.PROCESSING, username="tuphap.xu_ly_2")
    dossier = workflow.dossier_receive(dossier=world.submit(), officer=officers["tiep_nhan"])
    dossier = workflow.dossier_assign(dossier=dossier, officer=officers["tiep_nhan"], to_officer=officers["xu_ly"])
    return dossier, officers["xu_ly"], colleague


def test_it_refuses_a_colleagues_action_on_a_dossier_handed_to_another(world: World) -> None:
    dossier, _holder, colleague = assigned(world)
    for act in (
        lambda: workflow.dossier_submit_for_approval(dossier=dossier, officer=colleague),
        lambda: workflow.dossier_assign(dossier=dossier, officer=colleague, to_officer=colleague),
        lambda: workflow.dossier_request_payment(dossier=dossier, officer=colleague, amount=50000, note="Phí"),
    ):
        with pytest.raises(workflow.ActionNotAllowed, match=HELD), transaction.atomic():
            act()
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version, after.officer_id) == (dossier.status, dossier.version, dossier.officer_id)
    assert workflow.allowed_actions(dossier=after, role=colleague.role, officer=colleague) == []


def test_it_lets_the_holder_a_leader_and_the_desk_act(world: World) -> None:
    dossier, holder, colleague = assigned(world)
    assert workflow.allowed_actions(dossier=dossier, role=holder.role, officer=holder)
    # the leader hands it to the colleague, who may then act and the first holder may not
    dossier = workflow.dossier_assign(dossier=dossier, officer=world.officers["lanh_dao"], to_officer=colleague)
    with pytest.raises(workflow.ActionNotAllowed, match=HELD), transaction.atomic():
        workflow.dossier_submit_for_approval(dossier=dossier, officer=holder)
    dossier = workflow.dossier_submit_for_approval(dossier=dossier, officer=colleague)
    assert dossier.awaiting_approval
    dossier = workflow.dossier_approve(dossier=dossier, officer=world.officers["lanh_dao"])
    assert dossier.status == Status.DONE


def test_it_lets_any_processing_officer_act_on_a_dossier_handed_to_the_unit(world: World) -> None:
    colleague = OfficerAccountFactory(unit=world.unit, role=Role.PROCESSING, username="tuphap.xu_ly_2")
    dossier = workflow.dossier_receive(dossier=world.submit(), officer=world.officers["tiep_nhan"])
    assert dossier.officer_id is None
    dossier = workflow.dossier_assign(dossier=dossier, officer=colleague, to_officer=colleague)
    assert dossier.officer_id == colleague.pk


def test_the_page_tells_a_colleague_who_holds_it_and_offers_no_action(world: World) -> None:
    dossier, holder, colleague = assigned(world)
    page = officer_client(colleague).get(f"/motcua/ho-so/{dossier.code}/").content.decode()
    assert "Hồ sơ đang được giao cho" in page and holder.person.full_name in page
    assert "data-action=" not in page
    browser = officer_client(colleague)
    response = browser.post(
        f"/motcua/ho-so/{dossier.code}/thao-tac/submit_for_approval/",
        {"submit_for_approval-version": dossier.version, "submit_for_approval-note": "Đủ"},
        follow=True,
    )
    assert HELD in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).awaiting_approval is False
    holder_page = officer_client(holder).get(f"/motcua/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="submit_for_approval"' in holder_page and "Hồ sơ đang được giao cho" not in holder_page
