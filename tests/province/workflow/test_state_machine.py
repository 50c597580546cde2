"""Every action, in every status (and, in 4, with and without the approval flag), by every
role of the dossier's unit, by an officer of another unit and by the applicant: only what
``workflow.ACTIONS`` allows succeeds, and a refused action changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from province.accounts.models import AuditLog, Person
from province.backoffice.models import OfficerAccount, Role
from province.dossiers import services, workflow
from province.dossiers.files import check_content
from province.dossiers.models import Dossier, DossierEvent, Status
from tests.province.dossiers.factories import PDF

from .conftest import World

pytestmark = pytest.mark.django_db

STATES: list[tuple[int, bool]] = [(int(s), False) for s in Status] + [(int(Status.PROCESSING), True)]
Actor = OfficerAccount | Person


def _call(world: World, action: str, dossier: Dossier, actor: Actor) -> Any:
    """Run ``action`` as ``actor`` with valid input."""
    if action in ("withdraw", "supplement"):
        person = actor if isinstance(actor, Person) else actor.person
        if action == "withdraw":
            return services.dossier_withdraw(dossier=dossier, actor=person, reason="", request_info=None)
        extra = [services.DocumentInput(file=check_content(PDF, "bo sung.pdf"))]
        return services.dossier_supplement(dossier=dossier, actor=person, documents=extra, note="", request_info=None)
    if isinstance(actor, Person):
        pytest.fail("a citizen has no officer session: the back office refuses before any service")
    calls: dict[str, Callable[[], Any]] = {
        "receive": lambda: workflow.dossier_receive(dossier=dossier, officer=actor),
        "reject": lambda: workflow.dossier_reject(dossier=dossier, officer=actor, reason="Sai thẩm quyền"),
        "request_supplement": lambda: workflow.dossier_request_supplement(
            dossier=dossier,
            officer=actor,
            documents=["Bản sao giấy khai sinh"],
            deadline=timezone.localdate() + dt.timedelta(days=5),
        ),
        "assign": lambda: workflow.dossier_assign(
            dossier=dossier,
            officer=actor,
            to_officer=OfficerAccount.objects.filter(unit=actor.unit, role=Role.PROCESSING).first(),
        ),
        "interconnect": lambda: workflow.dossier_interconnect(
            dossier=dossier, officer=actor, agency=world.other_agency if actor.unit == world.unit else world.agency
        ),
        "request_payment": lambda: workflow.dossier_request_payment(dossier=dossier, officer=actor, amount=50_000),
        "confirm_payment": lambda: workflow.dossier_confirm_payment(dossier=dossier, officer=actor),
        "submit_for_approval": lambda: workflow.dossier_submit_for_approval(dossier=dossier, officer=actor),
        "send_back": lambda: workflow.dossier_send_back(dossier=dossier, officer=actor, reason="Bổ sung ý kiến"),
        "approve": lambda: workflow.dossier_approve(dossier=dossier, officer=actor),
        "stop": lambda: workflow.dossier_stop(dossier=dossier, officer=actor, reason="Theo đề nghị của công dân"),
        "extend": lambda: workflow.dossier_extend(
            dossier=dossier,
            officer=actor,
            reason="Chờ ý kiến liên ngành",
            new_due=timezone.now() + dt.timedelta(days=400),
        ),
        "return_result": lambda: workflow.dossier_return_result(
            dossier=dossier,
            officer=actor,
            documents=[
                workflow.ResultDocument(
                    file=check_content(PDF, "ket qua.pdf"),
                    title="Phiếu lý lịch tư pháp",
                    reference_number="12/PLLTP",
                    signed_by="PHAN VĂN HÙNG",
                    signed_on=timezone.localdate(),
                )
            ],
        ),
    }
    return calls[action]()


def _snapshot(dossier: Dossier) -> tuple[Any, ...]:
    row = Dossier.objects.get(pk=dossier.pk)
    return (
        row.status,
        row.version,
        row.awaiting_approval,
        row.unit_id,
        row.officer_id,
        row.due_at,
        DossierEvent.objects.filter(dossier=dossier).count(),
        AuditLog.objects.filter(object_id=str(dossier.pk), action__startswith="dossier.").count(),
    )


@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_it_allows_each_action_only_in_its_states_and_roles(world: World, action: str) -> None:
    spec = workflow.ACTIONS[action]
    dossier = world.submit()
    actors: list[tuple[str, Actor, bool]] = [(f"unit:{role}", a, True) for role, a in world.officers.items()]
    actors += [(f"other-unit:{role}", a, False) for role, a in world.outsiders.items()]
    actors.append(("citizen", dossier.applicant, True))
    outcomes: dict[str, bool] = {}
    for status, awaiting in STATES:
        for name, actor, same_unit in actors:
            Dossier.objects.filter(pk=dossier.pk).update(
                status=status,
                awaiting_approval=awaiting,
                unit=world.unit,
                officer=None,
                paused_at=timezone.now() if status == Status.SUPPLEMENT_REQUESTED else None,
                paused_from=Status.PROCESSING if status == Status.SUPPLEMENT_REQUESTED else None,
                due_at=timezone.now() + dt.timedelta(days=2),
            )
            role = workflow.CITIZEN if isinstance(actor, Person) else actor.role
            expected = same_unit and spec.allows(status=status, role=role, awaiting_approval=awaiting)
            citizen_on_officer_action = isinstance(actor, Person) and workflow.CITIZEN not in spec.roles
            if citizen_on_officer_action:
                continue  # covered by test_views: /motcua/ without an officer session
            before = _snapshot(dossier)
            try:
                _call(world, action, dossier, actor)
                succeeded = True
            except workflow.WorkflowError:
                succeeded = False
            outcomes[f"{status}{'*' if awaiting else ''} {name}"] = succeeded
            if succeeded:
                after = _snapshot(dossier)
                assert after[1] == before[1] + 1, f"{action} {status} {name}: version"
                assert after[6] == before[6] + 1, f"{action} {status} {name}: one event"
                assert after[7] == before[7] + 1, f"{action} {status} {name}: one audit row"
                if spec.to_status is not None and action != "supplement":
                    assert after[0] == spec.to_status
            else:
                assert _snapshot(dossier) == before, f"{action} {status} {name}: refused but changed"
            assert succeeded == expected, f"{action} in {status}{'*' if awaiting else ''} by {name}"
    assert any(outcomes.values()), f"{action} never succeeded"


def test_the_table_and_the_citizen_actions_agree_with_the_national_status_codes() -> None:
    assert workflow.ACTIONS["withdraw"].from_statuses == services.WITHDRAWABLE
    assert workflow.ACTIONS["receive"].to_status == Status.ACCEPTED
    assert workflow.ACTIONS["reject"].to_status == Status.NOT_ACCEPTED
    assert workflow.ACTIONS["request_supplement"].to_status == Status.SUPPLEMENT_REQUESTED
    assert workflow.ACTIONS["request_payment"].to_status == Status.PAYMENT_REQUESTED
    assert workflow.ACTIONS["stop"].to_status == Status.STOPPED
    assert workflow.ACTIONS["approve"].to_status == Status.DONE
    assert workflow.ACTIONS["return_result"].to_status == Status.RETURNED
    # nothing leaves a final status
    finals = {Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED}
    assert all(not (a.from_statuses & finals) for a in workflow.ACTIONS.values())
