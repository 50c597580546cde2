"""The one-stop workflow of the back office (Decree 118/2025/NĐ-CP, Circular 03/2025/TT-VPCP).

``ACTIONS`` is the one declarative table of what may be done: for each action, the statuses
it starts from, the roles that may do it, the status it leads to and the form it issues.
The views show the buttons it allows, the services refuse the rest, and the state-machine
test walks it. Every action goes through ``transition``, which locks the dossier row, checks
the officer's unit, the optimistic ``version`` posted by the form, the status and the role,
then writes the ``DossierEvent``, the audit row, sends ``status_changed`` (when the status
changes) and queues the applicant's SMS/e-mail, all in one transaction.

Decisions (see README):
- Reception (tiếp nhận) moves 1 → 2 and starts the legal clock: the due date is counted from
  that moment on the working calendar with the cut-off hour; the one set at submission is
  provisional. Handing the dossier to a processing officer or unit (chuyển xử lý) moves 2 → 4.
- "Trình" marks a dossier in 4 as awaiting the leader; "phê duyệt" (approving role) ends
  the processing (→ 9, đã xử lý xong); "trả lại" sends it back to processing.
- While a supplement is requested (5) the clock is paused; the citizen's answer resumes it
  and moves the due date (and the open step's) by the working time spent waiting.
- Hand-offs inside status 4 (re-assignment, liên thông) and form 04 change no status: they
  write an event and an audit row but send no ``status_changed``.
- Officers act on the dossiers held by their own unit (``Dossier.unit``); any other
  dossier is "not found".
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from province.accounts.models import Person
from province.accounts.services import RequestInfo, audit
from province.backoffice.models import OfficerAccount, Role, Unit
from province.catalogue.models import Agency, Procedure, ProcessingStep

from . import notifications
from .calendar import LOCAL_TZ, WorkingCalendar
from .files import CheckedFile
from .models import Dossier, DossierEvent, Extension, Handoff, OfficerAlert, Status
from .signals import status_changed

logger = logging.getLogger(__name__)

CITIZEN = "cong_dan"
# Statuses in which the legal clock runs (a due date can be near or past).
RUNNING = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.PAYMENT_REQUESTED})
STALE_MESSAGE = gettext_lazy("Hồ sơ đã được cán bộ khác xử lý, vui lòng tải lại trang.")


class WorkflowError(Exception):
    """An action refused; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = str(message)


class DossierNotFound(WorkflowError):
    """Not a dossier of this officer's unit (shown as 404)."""


class StaleDossier(WorkflowError):
    """The form was built from an older version of the dossier."""


class ActionNotAllowed(WorkflowError):
    """This action is not allowed in this status or for this role."""


class ActionInvalid(WorkflowError):
    """The action's input is wrong (missing reason, past date…); nothing changed."""


@dataclass(frozen=True)
class Action:
    key: str
    label: Promise
    from_statuses: frozenset[int]
    roles: frozenset[str]
    to_status: int | None  # None: the status does not change
    awaiting_approval: bool | None = False  # the approval flag it needs (None: either)
    form: str = ""

    def allows(self, *, status: int, role: str, awaiting_approval: bool) -> bool:
        if status not in self.from_statuses or role not in self.roles:
            return False
        return self.awaiting_approval is None or self.awaiting_approval == awaiting_approval


def _a(key: str, label: str, statuses: set[int], roles: set[str], to: int | None, **kw: Any) -> Action:
    return Action(key, gettext_lazy(label), frozenset(statuses), frozenset(roles), to, **kw)


S, R = Status, Role
ACTIONS: dict[str, Action] = {
    a.key: a
    for a in (
        _a("receive", "Tiếp nhận hồ sơ", {S.NEW}, {R.RECEIVING}, S.ACCEPTED, form="01"),
        _a("reject", "Từ chối tiếp nhận", {S.NEW}, {R.RECEIVING}, S.NOT_ACCEPTED, form="03"),
        _a(
            "request_supplement",
            "Yêu cầu bổ sung hồ sơ",
            {S.NEW, S.ACCEPTED, S.PROCESSING},
            {R.RECEIVING, R.PROCESSING},
            S.SUPPLEMENT_REQUESTED,
            form="02",
        ),
        _a(
            "assign", "Chuyển xử lý", {S.ACCEPTED, S.PROCESSING}, {R.RECEIVING, R.PROCESSING, R.APPROVING}, S.PROCESSING
        ),
        _a("interconnect", "Liên thông", {S.PROCESSING}, {R.PROCESSING, R.APPROVING}, S.PROCESSING),
        _a(
            "request_payment",
            "Yêu cầu thực hiện nghĩa vụ tài chính",
            {S.PROCESSING},
            {R.PROCESSING},
            S.PAYMENT_REQUESTED,
        ),
        _a(
            "confirm_payment",
            "Xác nhận đã thực hiện nghĩa vụ tài chính",
            {S.PAYMENT_REQUESTED},
            {R.RECEIVING, R.PROCESSING},
            S.PROCESSING,
        ),
        _a("submit_for_approval", "Trình phê duyệt", {S.PROCESSING}, {R.PROCESSING}, S.PROCESSING),
        _a("send_back", "Trả lại để xử lý tiếp", {S.PROCESSING}, {R.APPROVING}, S.PROCESSING, awaiting_approval=True),
        _a("approve", "Phê duyệt, xử lý xong", {S.PROCESSING}, {R.APPROVING}, S.DONE, awaiting_approval=True),
        _a(
            "stop",
            "Dừng giải quyết",
            {S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED},
            {R.PROCESSING, R.APPROVING},
            S.STOPPED,
            awaiting_approval=None,
            form="05",
        ),
        _a(
            "extend",
            "Xin lỗi và gia hạn",
            {S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED},
            {R.PROCESSING, R.APPROVING},
            None,
            awaiting_approval=None,
            form="04",
        ),
        _a("return_result", "Trả kết quả", {S.DONE}, {R.RECEIVING}, S.RETURNED),
        _a(
            "withdraw",
            "Rút hồ sơ",
            {S.NEW, S.ACCEPTED, S.PROCESSING, S.SUPPLEMENT_REQUESTED},
            {CITIZEN},
            S.WITHDRAWN,
            awaiting_approval=None,
        ),
        _a("supplement", "Bổ sung hồ sơ", {S.SUPPLEMENT_REQUESTED}, {CITIZEN}, S.PROCESSING, awaiting_approval=None),
    )
}
OFFICER_ACTIONS = tuple(key for key, action in ACTIONS.items() if CITIZEN not in action.roles)


def held_by_another(*, dossier: Dossier, officer: OfficerAccount) -> bool:
    """A processing officer acts only on the dossiers handed to them ("Chuyển xử lý") or to
    nobody in particular: one a colleague holds stays the colleague's until a leader or the
    receiving desk hands it on. Receiving officers and leaders keep their role's actions on
    every dossier of their unit."""
    return officer.role == Role.PROCESSING and dossier.officer_id is not None and dossier.officer_id != officer.pk


def allowed_actions(*, dossier: Dossier, role: str, officer: OfficerAccount | None = None) -> list[Action]:
    """The actions this role (or this officer) may take on the dossier as it is now (for
    the buttons)."""
    if officer is not None and held_by_another(dossier=dossier, officer=officer):
        return []
    return [
        a
        for a in ACTIONS.values()
        if a.allows(status=dossier.status, role=role, awaiting_approval=dossier.awaiting_approval)
    ]


# --- processing steps ---------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    step: ProcessingStep | None
    name: str
    role: str
    hours: Decimal


def default_steps(days: Decimal | None) -> list[tuple[str, str, Decimal]]:
    """Sensible steps for a procedure of ``days`` working days: reception, processing,
    approval and return, whose budgets add up to the whole time."""
    total = Decimal(days or 1) * 8
    receive = max(Decimal("0.5"), (total * Decimal("0.1")).quantize(Decimal("0.5")))
    approve = max(Decimal("0.5"), (total * Decimal("0.15")).quantize(Decimal("0.5")))
    deliver = max(Decimal("0.5"), (total * Decimal("0.05")).quantize(Decimal("0.5")))
    process = max(Decimal("0.5"), total - receive - approve - deliver)
    return [
        (str(_("Tiếp nhận hồ sơ")), Role.RECEIVING, receive),
        (str(_("Thẩm định, xử lý hồ sơ")), Role.PROCESSING, process),
        (str(_("Phê duyệt kết quả")), Role.APPROVING, approve),
        (str(_("Trả kết quả")), Role.RECEIVING, deliver),
    ]


def procedure_steps_seed(procedure: Procedure) -> int:
    """Create the default steps of a procedure that has none; returns how many."""
    if procedure.processing_steps.exists():
        return 0
    rows = [
        ProcessingStep(procedure=procedure, order=n, name=name, role=role, hours=hours)
        for n, (name, role, hours) in enumerate(default_steps(procedure.processing_days), start=1)
    ]
    ProcessingStep.objects.bulk_create(rows)
    return len(rows)


def plan(procedure: Procedure) -> list[StepPlan]:
    steps = list(procedure.processing_steps.all())
    if steps:
        return [StepPlan(s, s.name, s.role, s.hours) for s in steps]
    return [StepPlan(None, name, role, hours) for name, role, hours in default_steps(procedure.processing_days)]


def _step_for(procedure: Procedure, role: str, *, last: bool = False) -> StepPlan:
    steps = [s for s in plan(procedure) if s.role == role] or plan(procedure)
    return steps[-1] if last else steps[0]


def _open_handoff(dossier: Dossier) -> Handoff | None:
    return dossier.handoffs.filter(done_at__isnull=True).order_by("-received_at", "-id").first()


def _hand_over(
    dossier: Dossier,
    *,
    now: dt.datetime,
    by: OfficerAccount | None,
    step: StepPlan | None,
    unit: Unit | None,
    officer: OfficerAccount | None,
    note: str = "",
) -> Handoff | None:
    """Close the open hand-off and open the next one (``step`` None: only close). A new
    officer on the same step keeps that step's due time (the budget is the step's)."""
    current = _open_handoff(dossier)
    same_step_due = None
    if current is not None:
        current.done_at = now
        current.save(update_fields=["done_at"])
        if step is not None and current.step_name == step.name:
            same_step_due = current.due_at
    if step is None:
        return None
    due = same_step_due or WorkingCalendar().add_working_minutes(now, int(step.hours * 60))
    return Handoff.objects.create(
        dossier=dossier,
        step=step.step,
        step_name=step.name,
        unit=unit,
        officer=officer,
        handed_by=by,
        received_at=now,
        due_at=due,
        note=note[:500],
    )


def close_handoffs(dossier: Dossier, now: dt.datetime) -> None:
    """The dossier leaves the processing (withdrawn, stopped…): close the open step."""
    _hand_over(dossier, now=now, by=None, step=None, unit=None, officer=None)


def _owns(person: Person, dossier: Dossier) -> bool:
    if dossier.organisation_id is not None:
        return dossier.organisation.memberships.filter(person=person).exists()  # type: ignore[union-attr]
    return dossier.applicant_id == person.pk


# --- the one transition function ------------------------------------------------------


@dataclass
class Change:
    """What an action's body reports back to ``transition``."""

    note: str = ""
    audit: dict[str, Any] = field(default_factory=dict)
    notice: tuple[str, str] | None = None  # (subject, body) for the applicant


def transition(
    *,
    dossier: Dossier,
    action: str,
    officer: OfficerAccount | None = None,
    citizen: Person | None = None,
    version: int | None = None,
    request_info: RequestInfo | None = None,
    apply: Callable[[Dossier, dt.datetime], Change] | None = None,
    to_status: int | None = None,
) -> Dossier:
    """Run ``action`` on the dossier for an officer (scoped to their unit, and for a
    processing officer to the dossiers not held by a colleague) or the applicant.

    Locks the row (SELECT … FOR NO KEY UPDATE OF the dossier only), re-reads it, and refuses with ``DossierNotFound``
    (another unit's dossier), ``StaleDossier`` (``version`` is not the current one) or
    ``ActionNotAllowed`` (status, approval flag or role); then ``apply`` makes the change on
    the locked row, and the status, version, event, audit row, signal and notices are
    written. ``to_status`` overrides the table's target (the answer to a supplement goes
    back to the status the pause came from). Call it inside ``transaction.atomic``.
    """
    spec = ACTIONS[action]
    assert transaction.get_connection().in_atomic_block, "transition needs a transaction"
    # only the dossier's row, and not its key: a plain FOR UPDATE over the joins also locked
    # the agency, procedure and applicant rows, so a submission to the same agency (whose
    # foreign-key check takes KEY SHARE on the agency) waited on it, and both then upserting
    # the same statistics row deadlocked (found by bench/load at 200 users)
    locked = (
        Dossier.objects.select_for_update(of=("self",), no_key=True)
        .select_related("procedure", "agency", "applicant")
        .get(pk=dossier.pk)
    )
    if officer is not None:
        if locked.unit_id is None or locked.unit_id != officer.unit_id or officer.suspended:
            raise DossierNotFound(_("Không tìm thấy hồ sơ."))
        if held_by_another(dossier=locked, officer=officer):
            raise ActionNotAllowed(_("Hồ sơ đang được giao cho cán bộ khác xử lý."))
        role: str = officer.role
        actor = officer.person
    else:
        if citizen is None or not _owns(citizen, locked):
            raise DossierNotFound(_("Không tìm thấy hồ sơ."))
        role = CITIZEN
        actor = citizen
    if version is not None and version != locked.version:
        raise StaleDossier(STALE_MESSAGE)
    if not spec.allows(status=locked.status, role=role, awaiting_approval=locked.awaiting_approval):
        raise ActionNotAllowed(_("Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại."))
    now = timezone.now()
    before = int(locked.status)
    change = apply(locked, now) if apply is not None else Change()
    target = to_status if to_status is not None else spec.to_status
    after = before if target is None else int(target)
    locked.status = after
    locked.version += 1
    locked.save()
    event = DossierEvent.objects.create(
        dossier=locked,
        at=now,
        actor=actor,
        from_status=before,
        to_status=after,
        note=(change.note or str(spec.label))[:1000],
    )
    if after != before:
        status_changed.send(sender=Dossier, dossier=locked, from_status=before, to_status=after, at=now, actor=actor)
    audit(
        actor=actor,
        action=f"dossier.{action}",
        target=locked,
        before={"status": before},
        after={
            "status": after,
            "officer": officer.username if officer else None,
            "unit": officer.unit.code if officer else None,
            **change.audit,
        },
        organisation=locked.organisation,
        request_info=request_info,
    )
    if change.notice is not None:
        subject, body = change.notice
        notifications.queue_for_applicant(
            dossier=locked, event_key=f"event:{event.pk}", subject=subject, body=body, new_event=True
        )
    logger.info("dossier_action action=%s code=%s from=%s to=%s", action, locked.code, before, after)
    return locked


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if value else _("theo quy định")


def _notice(dossier: Dossier, subject: str, text: str) -> tuple[str, str]:
    return subject % {"code": dossier.code}, f"{_('Hồ sơ')} {dossier.code}: {text}"


def _run(
    *,
    dossier: Dossier,
    action: str,
    officer: OfficerAccount,
    version: int | None,
    request_info: RequestInfo | None,
    apply: Callable[[Dossier, dt.datetime], Change] | None = None,
) -> Dossier:
    with transaction.atomic():
        return transition(
            dossier=dossier, action=action, officer=officer, version=version, request_info=request_info, apply=apply
        )


def _required(text: str, message: str) -> str:
    text = text.strip()
    if not text:
        raise ActionInvalid(message)
    return text


# --- officers' actions ------------------------------------------------------------------


def dossier_receive(
    *, dossier: Dossier, officer: OfficerAccount, version: int | None = None, request_info: RequestInfo | None = None
) -> Dossier:
    """Tiếp nhận (1 → 2, form 01): the legal due date is counted from now on the working
    calendar (cut-off hour included), replacing the provisional one."""

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.received_at = now
        days = d.procedure.processing_days
        d.due_at = WorkingCalendar().add_working_days(now, days) if days is not None else None
        receiving = _step_for(d.procedure, Role.RECEIVING)
        Handoff.objects.create(
            dossier=d,
            step=receiving.step,
            step_name=receiving.name,
            unit=officer.unit,
            officer=officer,
            handed_by=officer,
            received_at=d.submitted_at,
            due_at=WorkingCalendar().add_working_minutes(d.submitted_at, int(receiving.hours * 60)),
            done_at=now,
        )
        _hand_over(d, now=now, by=officer, step=_step_for(d.procedure, Role.PROCESSING), unit=d.unit, officer=None)
        return Change(
            note=_("Tiếp nhận hồ sơ"),
            audit={"due_at": d.due_at},
            notice=_notice(
                d,
                _("Hồ sơ %(code)s đã được tiếp nhận"),
                _("đã được tiếp nhận. Ngày hẹn trả kết quả: %(due)s.") % {"due": _when(d.due_at)},
            ),
        )

    return _run(
        dossier=dossier, action="receive", officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_reject(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    reason: str,
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Từ chối tiếp nhận (1 → 3, form 03) with the reason."""
    reason = _required(reason, _("Nhập lý do từ chối tiếp nhận."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        _hand_over(d, now=now, by=officer, step=None, unit=None, officer=None)
        return Change(
            note=_("Từ chối tiếp nhận: %(reason)s") % {"reason": reason},
            audit={"reason": reason},
            notice=_notice(
                d,
                _("Hồ sơ %(code)s không được tiếp nhận"),
                _("không được tiếp nhận. Lý do: %(reason)s") % {"reason": reason},
            ),
        )

    return _run(
        dossier=dossier, action="reject", officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_request_supplement(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    documents: Sequence[str],
    deadline: dt.date,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Yêu cầu bổ sung (→ 5, form 02) with the list of documents and a deadline; the clock
    pauses until the applicant answers."""
    wanted = [line.strip() for line in documents if line.strip()]
    if not wanted:
        raise ActionInvalid(_("Nhập các giấy tờ cần bổ sung."))
    if deadline <= timezone.now().astimezone(LOCAL_TZ).date():
        raise ActionInvalid(_("Hạn bổ sung phải sau ngày hôm nay."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.paused_at = now
        d.paused_from = d.status
        d.supplement_due = deadline
        listing = "; ".join(wanted)
        text = _("Yêu cầu bổ sung: %(docs)s. Hạn bổ sung: %(deadline)s.") % {
            "docs": listing,
            "deadline": deadline.strftime("%d/%m/%Y"),
        }
        if note.strip():
            text += " " + note.strip()
        return Change(
            note=text,
            audit={"documents": wanted, "deadline": deadline},
            notice=_notice(d, _("Hồ sơ %(code)s cần bổ sung"), text),
        )

    return _run(
        dossier=dossier,
        action="request_supplement",
        officer=officer,
        version=version,
        request_info=request_info,
        apply=apply,
    )


def supplement_resume(dossier: Dossier, now: dt.datetime) -> int:
    """The applicant answered a supplement request: restart the clock, moving the due
    date (and the open step's) by the working time spent waiting. Returns the status to
    go back to. Called by ``services.dossier_supplement`` inside its transition."""
    back_to = int(dossier.paused_from or Status.PROCESSING)
    calendar = WorkingCalendar()
    if dossier.paused_at is not None:
        if back_to == Status.NEW:
            days = dossier.procedure.processing_days
            dossier.due_at = calendar.add_working_days(now, days) if days is not None else None
        else:
            waited = calendar.working_minutes_between(dossier.paused_at, now)
            if dossier.due_at is not None:
                dossier.due_at = calendar.add_working_minutes(dossier.due_at, waited)
            step = _open_handoff(dossier)
            if step is not None and step.due_at is not None:
                step.due_at = calendar.add_working_minutes(step.due_at, waited)
                step.save(update_fields=["due_at"])
    dossier.paused_at = None
    dossier.paused_from = None
    dossier.supplement_due = None
    return back_to


def dossier_assign(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    to_officer: OfficerAccount | None = None,
    to_unit: Unit | None = None,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
    action: str = "assign",
) -> Dossier:
    """Chuyển xử lý (2 → 4, or 4 → 4): to an officer of the unit, or to another unit."""
    if (to_officer is None) == (to_unit is None):
        raise ActionInvalid(_("Chọn cán bộ hoặc đơn vị nhận hồ sơ."))
    if to_officer is not None and (to_officer.unit_id != officer.unit_id or to_officer.suspended):
        raise ActionInvalid(_("Cán bộ nhận phải thuộc đơn vị của bạn."))
    if to_unit is not None and to_unit.pk == officer.unit_id:
        raise ActionInvalid(_("Chọn một đơn vị khác."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        step = _step_for(d.procedure, Role.PROCESSING)
        if to_officer is not None:
            d.officer = to_officer
            whom = to_officer.person.full_name or to_officer.username
        else:
            assert to_unit is not None
            d.unit = to_unit
            d.officer = None
            whom = to_unit.name
        _hand_over(d, now=now, by=officer, step=step, unit=d.unit, officer=d.officer, note=note)
        label = _("Liên thông") if action == "interconnect" else _("Chuyển xử lý")
        return Change(
            note=f"{label}: {whom}" + (f". {note.strip()}" if note.strip() else ""),
            audit={
                "to_officer": to_officer.username if to_officer else None,
                "to_unit": to_unit.code if to_unit else None,
            },
        )

    return _run(
        dossier=dossier, action=action, officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_interconnect(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    agency: Agency,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Liên thông: the dossier goes on to the unit that handles another agency's dossiers."""
    unit = Unit.objects.filter(agency=agency).first()
    if unit is None:
        raise ActionInvalid(_("Cơ quan này chưa kết nối với hệ thống một cửa."))
    return dossier_assign(
        dossier=dossier,
        officer=officer,
        to_unit=unit,
        note=note or agency.name,
        version=version,
        request_info=request_info,
        action="interconnect",
    )


def dossier_request_payment(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    amount: int,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Yêu cầu thực hiện nghĩa vụ tài chính (4 → 6) with the amount in đồng."""
    if amount <= 0:
        raise ActionInvalid(_("Số tiền phải lớn hơn 0."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.payment_amount = amount
        money = f"{amount:,}".replace(",", ".")
        text = _("Yêu cầu thực hiện nghĩa vụ tài chính: %(amount)s đồng.") % {"amount": money}
        if note.strip():
            text += " " + note.strip()
        return Change(
            note=text, audit={"amount": amount}, notice=_notice(d, _("Hồ sơ %(code)s: nghĩa vụ tài chính"), text)
        )

    return _run(
        dossier=dossier,
        action="request_payment",
        officer=officer,
        version=version,
        request_info=request_info,
        apply=apply,
    )


def dossier_confirm_payment(
    *, dossier: Dossier, officer: OfficerAccount, version: int | None = None, request_info: RequestInfo | None = None
) -> Dossier:
    """The officer confirms the payment (6 → 4)."""

    def apply(d: Dossier, now: dt.datetime) -> Change:
        return Change(note=_("Đã xác nhận thực hiện nghĩa vụ tài chính"), audit={"amount": d.payment_amount})

    return _run(
        dossier=dossier,
        action="confirm_payment",
        officer=officer,
        version=version,
        request_info=request_info,
        apply=apply,
    )


def dossier_submit_for_approval(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Trình: the processing officer proposes the result to the unit's leader."""

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.awaiting_approval = True
        _hand_over(
            d, now=now, by=officer, step=_step_for(d.procedure, Role.APPROVING), unit=d.unit, officer=None, note=note
        )
        return Change(note=_("Trình lãnh đạo phê duyệt") + (f": {note.strip()}" if note.strip() else ""))

    return _run(
        dossier=dossier,
        action="submit_for_approval",
        officer=officer,
        version=version,
        request_info=request_info,
        apply=apply,
    )


def dossier_send_back(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    reason: str,
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """The leader sends the proposal back to processing, with the reason."""
    reason = _required(reason, _("Nhập lý do trả lại."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.awaiting_approval = False
        _hand_over(d, now=now, by=officer, step=_step_for(d.procedure, Role.PROCESSING), unit=d.unit, officer=d.officer)
        return Change(note=_("Lãnh đạo trả lại: %(reason)s") % {"reason": reason}, audit={"reason": reason})

    return _run(
        dossier=dossier, action="send_back", officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_approve(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    note: str = "",
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Phê duyệt (4 awaiting approval → 9, đã xử lý xong): the result is ready to return."""

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.awaiting_approval = False
        _hand_over(
            d, now=now, by=officer, step=_step_for(d.procedure, Role.RECEIVING, last=True), unit=d.unit, officer=None
        )
        return Change(
            note=_("Phê duyệt, đã xử lý xong") + (f": {note.strip()}" if note.strip() else ""),
            notice=_notice(
                d, _("Hồ sơ %(code)s đã xử lý xong"), _("đã xử lý xong, kết quả sẽ được trả theo hình thức đã chọn.")
            ),
        )

    return _run(
        dossier=dossier, action="approve", officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_stop(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    reason: str,
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Dừng giải quyết (→ 8, form 05) with the reason."""
    reason = _required(reason, _("Nhập lý do dừng giải quyết."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        d.awaiting_approval = False
        d.paused_at = None
        _hand_over(d, now=now, by=officer, step=None, unit=None, officer=None)
        return Change(
            note=_("Dừng giải quyết: %(reason)s") % {"reason": reason},
            audit={"reason": reason},
            notice=_notice(
                d, _("Hồ sơ %(code)s dừng giải quyết"), _("dừng giải quyết. Lý do: %(reason)s") % {"reason": reason}
            ),
        )

    return _run(
        dossier=dossier, action="stop", officer=officer, version=version, request_info=request_info, apply=apply
    )


def dossier_extend(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    reason: str,
    new_due: dt.datetime,
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Extension:
    """Form 04, "Văn bản xin lỗi và đề nghị gia hạn": apologise, give the reason and a new
    due date, sent to the applicant by SMS/e-mail and shown on their dossier page."""
    reason = _required(reason, _("Nhập lý do gia hạn."))
    if new_due.tzinfo is None:
        raise ValueError("new_due must be aware")
    created: list[Extension] = []

    def apply(d: Dossier, now: dt.datetime) -> Change:
        if new_due <= now or (d.due_at is not None and new_due <= d.due_at):
            raise ActionInvalid(_("Ngày hẹn trả mới phải sau ngày hẹn hiện tại."))
        created.append(
            Extension.objects.create(
                dossier=d, officer=officer, reason=reason, old_due_at=d.due_at, new_due_at=new_due, created_at=now
            )
        )
        old = d.due_at
        d.due_at = new_due
        d.due_warned_at = None
        d.overdue_marked_at = None
        text = _(
            "Cơ quan giải quyết xin lỗi vì chưa trả kết quả đúng hẹn. Lý do: %(reason)s. "
            "Ngày hẹn trả kết quả mới: %(due)s."
        ) % {"reason": reason, "due": _when(new_due)}
        return Change(
            note=text,
            audit={"old_due_at": old, "new_due_at": new_due, "reason": reason},
            notice=_notice(d, _("Hồ sơ %(code)s: văn bản xin lỗi và hẹn lại ngày trả kết quả"), text),
        )

    _run(dossier=dossier, action="extend", officer=officer, version=version, request_info=request_info, apply=apply)
    return created[0]


@dataclass(frozen=True)
class ResultDocument:
    file: CheckedFile
    title: str
    reference_number: str
    signed_by: str
    signed_on: dt.date


def dossier_return_result(
    *,
    dossier: Dossier,
    officer: OfficerAccount,
    documents: Sequence[ResultDocument],
    version: int | None = None,
    request_info: RequestInfo | None = None,
) -> Dossier:
    """Trả kết quả (9 → 10) with the result documents (số ký hiệu, người ký, ngày ký), which
    also go to the applicant's (or business's) data store. Lateness never blocks it."""
    from province.datastore.services import datastore_add_result

    if not documents:
        raise ActionInvalid(_("Đính kèm văn bản kết quả."))
    for doc in documents:
        if not (doc.title.strip() and doc.reference_number.strip() and doc.signed_by.strip()):
            raise ActionInvalid(_("Nhập tên, số ký hiệu và người ký của văn bản kết quả."))

    def apply(d: Dossier, now: dt.datetime) -> Change:
        for doc in documents:
            stored = datastore_add_result(
                dossier=d,
                file=doc.file,
                title=doc.title.strip(),
                actor=officer.person,
                reference_number=doc.reference_number.strip(),
                issued_on=doc.signed_on,
            )
            d.documents.filter(is_result=True, source_document_id=stored.pk).update(
                reference_number=doc.reference_number.strip()[:100],
                signed_by=doc.signed_by.strip()[:200],
                signed_on=doc.signed_on,
            )
        d.finished_at = now
        _hand_over(d, now=now, by=officer, step=None, unit=None, officer=None)
        return Change(
            note=_("Trả kết quả: %(refs)s") % {"refs": ", ".join(doc.reference_number.strip() for doc in documents)},
            audit={"results": [doc.reference_number for doc in documents], "late": bool(d.due_at and now > d.due_at)},
            notice=_notice(
                d,
                _("Hồ sơ %(code)s đã có kết quả"),
                _("đã trả kết quả. Văn bản kết quả có trong Kho dữ liệu của bạn trên Cổng Dịch vụ công."),
            ),
        )

    return _run(
        dossier=dossier,
        action="return_result",
        officer=officer,
        version=version,
        request_info=request_info,
        apply=apply,
    )


# --- due-date warnings -------------------------------------------------------------------


def responsible_officers(dossier: Dossier) -> list[OfficerAccount]:
    """Who is warned: the assigned officer, else the unit's receiving and processing officers."""
    if dossier.officer is not None and not dossier.officer.suspended:
        return [dossier.officer]
    if dossier.unit_id is None:
        return []
    return list(
        OfficerAccount.objects.filter(
            unit_id=dossier.unit_id, suspended=False, role__in=(Role.RECEIVING, Role.PROCESSING)
        ).select_related("person__officer_profile")
    )


def _alert(dossier: Dossier, kind: str, now: dt.datetime) -> int:
    sent = 0
    for account in responsible_officers(dossier):
        try:
            with transaction.atomic():
                OfficerAlert.objects.create(account=account, dossier=dossier, kind=kind, created_at=now)
        except IntegrityError:
            continue
        sent += 1
        profile = getattr(account.person, "officer_profile", None)
        label = OfficerAlert.Kind(kind).label
        text = _("Hồ sơ %(code)s %(state)s, hạn trả kết quả %(due)s.") % {
            "code": dossier.code,
            "state": str(label).lower(),
            "due": _when(dossier.due_at),
        }
        notifications.queue(
            dossier=dossier,
            event_key=f"alert:{kind}:{dossier.pk}:{account.pk}",
            phone=(profile.phone if profile and settings.DOSSIER_WARN_SMS else ""),
            email=(profile.email if profile and settings.DOSSIER_WARN_EMAIL else ""),
            subject=_("Cảnh báo hạn xử lý hồ sơ %(code)s") % {"code": dossier.code},
            body=text,
        )
    return sent


def due_warnings_run(*, now: dt.datetime | None = None, limit: int = 1000) -> int:
    """Warn the responsible officers of running dossiers due within ``DOSSIER_WARN_HOURS``
    working hours, and mark (and warn of) those past due. Each dossier is warned once per
    kind (a new date from form 04 re-arms it). Returns how many alerts were created."""
    now = now or timezone.now()
    soon = WorkingCalendar().add_working_minutes(now, settings.DOSSIER_WARN_HOURS * 60)
    created = 0
    running = Dossier.objects.filter(status__in=RUNNING, due_at__isnull=False).select_related("officer__person", "unit")
    for dossier in running.filter(due_at__lt=now, overdue_marked_at__isnull=True).order_by("due_at")[:limit]:
        with transaction.atomic():
            if Dossier.objects.filter(pk=dossier.pk, overdue_marked_at__isnull=True).update(overdue_marked_at=now):
                created += _alert(dossier, OfficerAlert.Kind.OVERDUE, now)
    for dossier in running.filter(due_at__gte=now, due_at__lt=soon, due_warned_at__isnull=True).order_by("due_at")[
        :limit
    ]:
        with transaction.atomic():
            if Dossier.objects.filter(pk=dossier.pk, due_warned_at__isnull=True).update(due_warned_at=now):
                created += _alert(dossier, OfficerAlert.Kind.DUE_SOON, now)
    return created
