"""Due dates: counted from reception (not submission) on the working calendar, across
weekends, Tết, compensating working days and the cut-off hour; paused while a supplement
is awaited; moved by form 04; steps judged Trước hạn / Đúng hạn / Quá hạn."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from province.dossiers import services, workflow
from province.dossiers.calendar import LOCAL_TZ, WorkingCalendar
from province.dossiers.files import check_content
from province.dossiers.models import CalendarDay, Dossier, Handoff
from tests.province.dossiers.factories import PDF

from .conftest import World


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


def test_it_counts_the_due_date_from_reception_not_submission(world: World) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):  # Monday
        dossier = world.submit()
    assert dossier.received_at is None
    assert dossier.due_at == at(2026, 3, 5, 9, 0)  # provisional: 3 working days from submission
    with time_machine.travel(at(2026, 3, 4, 14, 0), tick=False):  # received on Wednesday afternoon
        received = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    assert received.received_at == at(2026, 3, 4, 14, 0)
    assert received.due_at == at(2026, 3, 9, 14, 0)  # Thu, Fri, (weekend), Mon


def test_it_counts_from_the_next_working_day_after_the_cut_off(world: World) -> None:
    dossier = world.submit()
    with time_machine.travel(at(2026, 3, 6, 16, 45), tick=False):  # Friday after 16:30
        received = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    assert received.due_at == at(2026, 3, 11, 17, 30)  # counting starts Monday 07:30: Mon, Tue, Wed


@override_settings(DOSSIER_CUTOFF="17:00")
def test_it_takes_the_cut_off_hour_from_the_settings(world: World) -> None:
    dossier = world.submit()
    with time_machine.travel(at(2026, 3, 6, 16, 45), tick=False):
        received = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    assert received.due_at == at(2026, 3, 11, 16, 45)


def test_it_skips_tet(world: World) -> None:
    # Tết Bính Ngọ: 17 February 2026; the official holidays run from 16 to 20 February (plus
    # the weekend around them) in the ``holidays`` calendar for Vietnam
    dossier = world.submit()
    with time_machine.travel(at(2026, 2, 13, 9, 0), tick=False):  # Friday before Tết
        received = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(dt.date(2026, 2, 17))
    assert received.due_at is not None and received.due_at.astimezone(LOCAL_TZ).date() > dt.date(2026, 2, 20)
    expected = calendar.add_working_days(at(2026, 2, 13, 9, 0), world.procedure.processing_days)  # type: ignore[arg-type]
    assert received.due_at == expected
    days = [d for d in (dt.date(2026, 2, 13) + dt.timedelta(n) for n in range(20)) if calendar.is_working_day(d)]
    assert received.due_at.astimezone(LOCAL_TZ).date() == days[3]


def test_it_counts_a_compensating_saturday_and_an_extra_day_off(world: World) -> None:
    CalendarDay.objects.create(day=dt.date(2026, 3, 7), kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù")
    CalendarDay.objects.create(day=dt.date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ bù")
    dossier = world.submit()
    with time_machine.travel(at(2026, 3, 5, 9, 0), tick=False):  # Thursday
        received = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    # Fri 6, Sat 7 (làm bù), Tue 10 (Mon 9 off)
    assert received.due_at == at(2026, 3, 10, 9, 0)


def test_it_pauses_the_clock_while_a_supplement_is_awaited(world: World) -> None:
    dossier = world.submit()
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    assert dossier.due_at == at(2026, 3, 5, 9, 0)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        dossier = workflow.dossier_request_supplement(
            dossier=dossier,
            officer=world.officers["tiep_nhan"],
            documents=["Bản sao giấy khai sinh"],
            deadline=dt.date(2026, 3, 20),
        )
    assert dossier.paused_at == at(2026, 3, 3, 9, 0)
    # the citizen answers the next Monday at 09:00: four working days and the weekend waited
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        answered = services.dossier_supplement(
            dossier=dossier,
            actor=dossier.applicant,
            documents=[services.DocumentInput(file=check_content(PDF, "bo sung.pdf"))],
            note="",
            request_info=None,
        )
    assert answered.status == 2  # back where the pause came from
    assert answered.paused_at is None
    assert answered.due_at == at(2026, 3, 11, 9, 0)  # 5 March + 4 working days


def test_it_recounts_a_provisional_due_date_after_a_supplement_before_reception(world: World) -> None:
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = world.submit()
        dossier = workflow.dossier_request_supplement(
            dossier=dossier,
            officer=world.officers["tiep_nhan"],
            documents=["Tờ khai có chữ ký"],
            deadline=dt.date(2026, 3, 10),
        )
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        answered = services.dossier_supplement(
            dossier=dossier,
            actor=dossier.applicant,
            documents=[services.DocumentInput(file=check_content(PDF, "to khai.pdf"))],
            note="",
            request_info=None,
        )
    assert answered.status == 1
    assert answered.due_at == at(2026, 3, 9, 10, 0)


def test_it_moves_the_due_date_with_form_04_and_never_blocks_a_late_result(world: World) -> None:
    officers = world.officers
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = world.submit()
        dossier = workflow.dossier_receive(dossier=dossier, officer=officers["tiep_nhan"])
        dossier = workflow.dossier_assign(dossier=dossier, officer=officers["tiep_nhan"], to_officer=officers["xu_ly"])
    with time_machine.travel(at(2026, 3, 5, 8, 0), tick=False):
        extension = workflow.dossier_extend(
            dossier=dossier,
            officer=officers["xu_ly"],
            reason="Chờ kết quả xác minh của cơ quan công an",
            new_due=at(2026, 3, 10, 16, 0),
        )
    assert extension.old_due_at == at(2026, 3, 5, 9, 0)
    assert Dossier.objects.get(pk=dossier.pk).due_at == at(2026, 3, 10, 16, 0)
    with time_machine.travel(at(2026, 3, 12, 9, 0), tick=False):  # later than even the new date
        dossier = workflow.dossier_submit_for_approval(dossier=dossier, officer=officers["xu_ly"])
        dossier = workflow.dossier_approve(dossier=dossier, officer=officers["lanh_dao"])
        dossier = workflow.dossier_return_result(
            dossier=dossier,
            officer=officers["tiep_nhan"],
            documents=[
                workflow.ResultDocument(
                    file=check_content(PDF, "ket qua.pdf"),
                    title="Trích lục",
                    reference_number="7/TL",
                    signed_by="PHAN VĂN HÙNG",
                    signed_on=dt.date(2026, 3, 12),
                )
            ],
        )
    assert dossier.status == 10
    verdicts = [h.verdict() for h in Handoff.objects.filter(dossier=dossier)]
    assert Handoff.Verdict.LATE in verdicts


def test_it_judges_each_step_early_on_time_or_late() -> None:
    due = at(2026, 3, 5, 16, 0)
    step = Handoff(step_name="Xử lý", received_at=at(2026, 3, 2, 9, 0), due_at=due)
    step.done_at = at(2026, 3, 4, 10, 0)
    assert step.verdict_label() == "Trước hạn"
    step.done_at = at(2026, 3, 5, 8, 0)
    assert step.verdict_label() == "Đúng hạn"
    step.done_at = at(2026, 3, 5, 16, 1)
    assert step.verdict_label() == "Quá hạn"
    step.done_at = None
    assert step.verdict_label() == ""


@pytest.mark.django_db
def test_it_measures_and_adds_working_minutes_across_lunch_weekends_and_holidays() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_minutes_between(at(2026, 3, 2, 11, 0), at(2026, 3, 2, 14, 0)) == 60
    assert calendar.working_minutes_between(at(2026, 3, 6, 17, 0), at(2026, 3, 9, 8, 0)) == 60
    assert calendar.working_minutes_between(at(2026, 3, 9, 8, 0), at(2026, 3, 6, 17, 0)) == 0
    assert calendar.add_working_minutes(at(2026, 3, 6, 17, 0), 60) == at(2026, 3, 9, 8, 0)
    assert calendar.add_working_minutes(at(2026, 3, 7, 10, 0), 60) == at(2026, 3, 9, 8, 30)  # Saturday
    assert calendar.add_working_minutes(at(2026, 3, 2, 11, 0), 60) == at(2026, 3, 2, 14, 0)
    # no cut-off when moving a deadline: 16:45 plus 30 minutes is 17:15 the same day
    assert calendar.add_working_minutes(at(2026, 3, 2, 16, 45), 30) == at(2026, 3, 2, 17, 15)
