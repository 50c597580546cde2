"""The officers' pages: queues with counts, quick lookup, the dossier page with the buttons
the role may use, actions by POST with the version, a stale page refused, another unit's
dossier a 404 everywhere, and what the applicant then sees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from province.dossiers import workflow
from province.dossiers.models import Dossier, Status
from tests.province.dossiers.factories import PDF

from .conftest import World, officer_client


def _post(client: Client, dossier: Dossier, key: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    fields = {f"{key}-version": Dossier.objects.get(pk=dossier.pk).version}
    fields.update({f"{key}-{name}": value for name, value in (data or {}).items()})
    return client.post(f"/motcua/ho-so/{dossier.code}/thao-tac/{key}/", fields, **kw)


def test_it_shows_the_units_queues_with_counts_sorted_by_due_date(
    world: World, django_assert_max_num_queries: Any
) -> None:
    first = world.submit()
    second = world.submit()
    Dossier.objects.filter(pk=first.pk).update(due_at=timezone.now() + dt.timedelta(days=5))
    Dossier.objects.filter(pk=second.pk).update(due_at=timezone.now() + dt.timedelta(days=2))
    world.submit(procedure=world.procedure)  # a third one
    client = officer_client(world.officers["tiep_nhan"])
    with django_assert_max_num_queries(20):
        html = client.get("/motcua/ho-so/").content.decode()
    assert "Chờ tiếp nhận" in html and "Quá hạn" in html and "Đã trả kết quả" in html
    assert html.index(second.code) < html.index(first.code)
    assert '<span class="bo-count">3</span>' in html
    # officers of another unit see none of them
    other = officer_client(world.outsiders["tiep_nhan"]).get("/motcua/ho-so/").content.decode()
    assert first.code not in other and '<span class="bo-count">0</span>' in other


def test_it_lists_processed_dossiers_for_the_desk_to_hand_over(world: World) -> None:
    processed = world.submit()
    returned = world.submit()
    Dossier.objects.filter(pk=processed.pk).update(status=Status.DONE, due_at=timezone.now() + dt.timedelta(days=1))
    Dossier.objects.filter(pk=returned.pk).update(status=Status.RETURNED, finished_at=timezone.now())
    client = officer_client(world.officers["tiep_nhan"])

    html = client.get("/motcua/ho-so/?hang=cho-tra-ket-qua").content.decode()

    assert "Chờ trả kết quả" in html and processed.code in html and returned.code not in html


def test_it_pages_a_queue_by_keyset_fifty_rows_at_a_time(world: World) -> None:
    from province.dossiers import queues

    for _ in range(queues.PAGE_SIZE + 3):
        world.submit()
    officer = world.officers["tiep_nhan"]
    rows, cursor = queues.queue_page(officer=officer, key="cho-tiep-nhan")
    assert len(rows) == queues.PAGE_SIZE and cursor is not None
    rest, last = queues.queue_page(officer=officer, key="cho-tiep-nhan", after=cursor)
    assert len(rest) == 3 and last is None
    assert not {d.pk for d in rows} & {d.pk for d in rest}
    client = officer_client(officer)
    html = client.get("/motcua/ho-so/?hang=cho-tiep-nhan").content.decode()
    assert "Trang sau" in html


def test_it_finds_a_dossier_by_code_only_in_the_officers_unit(world: World) -> None:
    dossier = world.submit()
    client = officer_client(world.officers["xu_ly"])
    response = client.get("/motcua/ho-so/tra-cuu/", {"ma": dossier.code})
    assert response.status_code == 302 and response["Location"].endswith(f"/ho-so/{dossier.code}/")
    outsider = officer_client(world.outsiders["xu_ly"])
    response = outsider.get("/motcua/ho-so/tra-cuu/", {"ma": dossier.code}, follow=True)
    assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_it_hides_another_units_dossier_everywhere(world: World) -> None:
    dossier = world.submit()
    document = dossier.documents.first()
    assert document is not None
    outsider = officer_client(world.outsiders["tiep_nhan"])
    for url in (
        f"/motcua/ho-so/{dossier.code}/",
        f"/motcua/ho-so/{dossier.code}/giay-to/{document.pk}/",
        f"/motcua/ho-so/{dossier.code}/mau-06.pdf",
    ):
        assert outsider.get(url).status_code == 404, url
    assert _post(outsider, dossier, "receive").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW
    # a citizen (no officer session) is sent to the officers' sign-in, nothing changes
    citizen = Client()
    citizen.force_login(dossier.applicant)
    response = _post(citizen, dossier, "receive")
    assert response.status_code == 302 and "/motcua/dang-nhap/" in response["Location"]
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW


def test_it_shows_only_the_buttons_the_role_may_use(world: World) -> None:
    dossier = world.submit()
    receiving = officer_client(world.officers["tiep_nhan"]).get(f"/motcua/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="receive"' in receiving and 'data-action="reject"' in receiving
    assert 'data-action="approve"' not in receiving
    approving = officer_client(world.officers["lanh_dao"]).get(f"/motcua/ho-so/{dossier.code}/").content.decode()
    assert 'data-action="receive"' not in approving
    assert dossier.documents.first().original_name in receiving  # type: ignore[union-attr]


def test_it_runs_the_workflow_from_the_pages_and_the_applicant_sees_it(world: World) -> None:
    dossier = world.submit()
    receiving = officer_client(world.officers["tiep_nhan"])
    processing = officer_client(world.officers["xu_ly"])
    leader = officer_client(world.officers["lanh_dao"])
    assert _post(receiving, dossier, "receive").status_code == 302
    assert _post(receiving, dossier, "assign", {"to_officer": world.officers["xu_ly"].pk}).status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).officer == world.officers["xu_ly"]
    _post(processing, dossier, "submit_for_approval", {"note": "Đủ điều kiện"})
    _post(leader, dossier, "approve")
    upload = SimpleUploadedFile("ket qua.pdf", PDF, content_type="application/pdf")
    response = _post(
        receiving,
        dossier,
        "return_result",
        {
            "file": upload,
            "title": "Phiếu lý lịch tư pháp số 1",
            "reference_number": "125/PLLTP",
            "signed_by": "PHAN VĂN HÙNG",
            "signed_on": "2026-03-12",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    result = dossier.documents.get(is_result=True)
    assert (result.reference_number, result.signed_by, result.signed_on) == (
        "125/PLLTP",
        "PHAN VĂN HÙNG",
        dt.date(2026, 3, 12),
    )
    from province.datastore.models import StoredDocument

    assert StoredDocument.objects.filter(owner_person=dossier.applicant, reference_number="125/PLLTP").exists()
    citizen = Client()
    citizen.force_login(dossier.applicant)
    page = citizen.get(f"/tai-khoan/ho-so/{dossier.code}/").content.decode()
    assert "Đã trả kết quả" in page and "ket qua.pdf" in page


def test_it_refuses_a_stale_page_with_a_clear_message(world: World) -> None:
    dossier = world.submit()
    first = officer_client(world.officers["tiep_nhan"])
    second = officer_client(world.officers["tiep_nhan"])
    version = Dossier.objects.get(pk=dossier.pk).version
    first.post(f"/motcua/ho-so/{dossier.code}/thao-tac/receive/", {"receive-version": version})
    response = second.post(
        f"/motcua/ho-so/{dossier.code}/thao-tac/reject/",
        {"reject-version": version, "reject-reason": "Thiếu giấy tờ"},
        follow=True,
    )
    assert "Hồ sơ đã được cán bộ khác xử lý, vui lòng tải lại trang." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ACCEPTED


def test_it_explains_bad_input_and_changes_nothing(world: World) -> None:
    dossier = world.submit()
    client = officer_client(world.officers["tiep_nhan"])
    response = _post(client, dossier, "reject", {"reason": "  "}, follow=True)
    assert "Vui lòng nhập lý do." in response.content.decode()
    response = _post(
        client, dossier, "request_supplement", {"documents": "Tờ khai", "deadline": "2020-01-01"}, follow=True
    )
    assert "Hạn bổ sung phải sau ngày hôm nay." in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW
    # an action the role may not take
    response = _post(officer_client(world.officers["lanh_dao"]), dossier, "receive", follow=True)
    assert "Không thể thực hiện thao tác này" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW


def test_the_applicant_sees_form_04_on_the_dossier_page(world: World) -> None:
    dossier = world.submit()
    officers = world.officers
    dossier = workflow.dossier_receive(dossier=dossier, officer=officers["tiep_nhan"])
    dossier = workflow.dossier_assign(dossier=dossier, officer=officers["tiep_nhan"], to_officer=officers["xu_ly"])
    new_due = (dossier.due_at or timezone.now()) + dt.timedelta(days=7)
    client = officer_client(officers["xu_ly"])
    response = _post(
        client,
        dossier,
        "extend",
        {"reason": "Chờ xác minh tại địa phương", "new_due": new_due.astimezone().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    extension = dossier.extensions.get()
    citizen = Client()
    citizen.force_login(dossier.applicant)
    page = citizen.get(f"/tai-khoan/ho-so/{dossier.code}/").content.decode()
    assert "Văn bản xin lỗi và đề nghị gia hạn" in page and "Chờ xác minh tại địa phương" in page
    pdf = citizen.get(f"/tai-khoan/ho-so/{dossier.code}/xin-loi-gia-han/{extension.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    stranger = Client()
    from tests.province.factories import PersonFactory

    stranger.force_login(PersonFactory(id_number=None))
    assert stranger.get(f"/tai-khoan/ho-so/{dossier.code}/xin-loi-gia-han/{extension.pk}.pdf").status_code == 404
