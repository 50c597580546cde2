from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from province.accounts.models import AuditLog
from province.feedback.models import Feedback, PhoneChallenge
from province.notify.sms import LocmemBackend
from tests.province.backoffice.conftest import sign_in
from tests.province.backoffice.factories import OfficerAccountFactory, UnitFactory
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory
from tests.province.factories import PersonFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _clean() -> Any:
    cache.clear()
    LocmemBackend.outbox.clear()
    yield
    LocmemBackend.outbox.clear()


@pytest.fixture
def agency() -> Any:
    return AgencyFactory(code="000.00.07.H33", name="Sở Xây dựng")


def _captcha(client: Client) -> dict[str, str]:
    html = client.get(reverse("feedback:send")).content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html)
    assert key, html
    return {"captcha_0": key.group(1), "captcha_1": CaptchaStore.objects.get(hashkey=key.group(1)).response}


def _anonymous_form(client: Client, agency: Any, **overrides: str) -> dict[str, str]:
    data = {
        "sender_name": "Nguyễn Thị Bình",
        "phone": "0912 345 678",
        "agency": str(agency.pk),
        "title": "Chậm trả kết quả",
        "content": "Hồ sơ của tôi quá hạn 3 ngày.",
        "publish_consent": "on",
        **_captcha(client),
    }
    data.update(overrides)
    return data


def _code() -> str:
    found = re.search(r"\b(\d{6})\b", LocmemBackend.outbox[-1].body)
    assert found
    return found.group(1)


def _send_anonymous(client: Client, agency: Any, **overrides: str) -> Feedback:
    response = client.post(reverse("feedback:send"), _anonymous_form(client, agency, **overrides))
    assert response.status_code == 302, response.content.decode()
    response = client.post(reverse("feedback:verify"), {"code": _code()})
    assert response.status_code == 302, response.content.decode()
    feedback = Feedback.objects.latest("id")
    assert response["Location"] == reverse("feedback:mine", kwargs={"token": feedback.access_token})
    return feedback


def test_it_takes_anonymous_feedback_after_captcha_and_sms_code(client: Client, agency: Any) -> None:
    feedback = _send_anonymous(client, agency)
    assert (feedback.sender_id, feedback.sender_phone, feedback.sender_name) == (None, "0912345678", "Nguyễn Thị Bình")
    assert LocmemBackend.outbox[-1].to == "0912345678"
    assert AuditLog.objects.filter(action="feedback_send", object_id=str(feedback.pk)).exists()
    html = client.get(reverse("feedback:mine", kwargs={"token": feedback.access_token})).content.decode()
    assert "Chậm trả kết quả" in html and "Chờ trả lời" in html
    assert client.get(reverse("feedback:mine", kwargs={"token": "not-a-token"})).status_code == 404


def test_it_refuses_anonymous_feedback_without_the_right_captcha(client: Client, agency: Any) -> None:
    for captcha in ({"captcha_1": "WRONG"}, {"captcha_0": "", "captcha_1": ""}):
        data = _anonymous_form(client, agency, **captcha)
        html = client.post(reverse("feedback:send"), data).content.decode()
        assert "Mã xác thực" in html
    assert LocmemBackend.outbox == [] and not PhoneChallenge.objects.exists() and not Feedback.objects.exists()


def test_it_refuses_a_wrong_code_and_voids_the_attempt_after_five(client: Client, agency: Any) -> None:
    client.post(reverse("feedback:send"), _anonymous_form(client, agency))
    right = _code()
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        html = client.post(reverse("feedback:verify"), {"code": wrong}).content.decode()
        assert f"Bạn còn {left} lần thử" in html
    response = client.post(reverse("feedback:verify"), {"code": wrong}, follow=True)
    assert "quá số lần cho phép" in response.content.decode()
    assert client.post(reverse("feedback:verify"), {"code": right}).status_code == 302
    assert not Feedback.objects.exists()


def test_it_expires_codes_and_makes_a_resend_wait(client: Client, agency: Any) -> None:
    client.post(reverse("feedback:send"), _anonymous_form(client, agency))
    code = _code()
    html = client.post(reverse("feedback:resend"), follow=True).content.decode()
    assert "Vui lòng chờ" in html and len(LocmemBackend.outbox) == 1
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=4)):
        html = client.post(reverse("feedback:verify"), {"code": code}).content.decode()
        assert "đã hết hạn" in html
        client.post(reverse("feedback:resend"))
        assert len(LocmemBackend.outbox) == 2
        client.post(reverse("feedback:verify"), {"code": _code()})
    assert Feedback.objects.count() == 1


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC))  # early in a limit window: never crosses one
def test_it_limits_anonymous_sends_per_address(client: Client, agency: Any, settings: Any) -> None:
    settings.FEEDBACK = {**settings.FEEDBACK, "ANONYMOUS_PER_HOUR": 2}
    for i in range(2):
        response = client.post(reverse("feedback:send"), _anonymous_form(client, agency, phone=f"091234567{i}"))
        assert response.status_code == 302
    response = client.post(reverse("feedback:send"), _anonymous_form(client, agency, phone="0912345679"))
    assert response.status_code == 429
    assert "quá nhiều phản ánh" in response.content.decode()
    assert len(LocmemBackend.outbox) == 2


def test_it_caps_codes_per_phone(agency: Any) -> None:
    for i in range(5):
        client = Client(REMOTE_ADDR=f"203.0.113.{i}")
        assert client.post(reverse("feedback:send"), _anonymous_form(client, agency)).status_code == 302
    client = Client(REMOTE_ADDR="203.0.113.99")
    response = client.post(reverse("feedback:send"), _anonymous_form(client, agency))
    assert response.status_code == 429
    assert "quá nhiều mã" in response.content.decode()
    assert len(LocmemBackend.outbox) == 5


def test_it_takes_feedback_from_a_signed_in_person_without_captcha(agency: Any, settings: Any) -> None:
    person = PersonFactory(full_name="Trần Văn Cường")
    client = Client()
    client.force_login(person)
    html = client.get(reverse("feedback:send")).content.decode()
    assert "captcha" not in html
    procedure = ProcedureFactory(agencies=[agency], code="1.009999")
    data = {"agency": str(agency.pk), "procedure_code": "1.009999", "title": "Hỏi", "content": "Nội dung"}
    response = client.post(reverse("feedback:send"), data)
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.sender_id, feedback.procedure_id, feedback.publish_consent) == (person.pk, procedure.pk, False)
    assert "Hỏi" in client.get(reverse("feedback:own")).content.decode()
    assert LocmemBackend.outbox == []
    settings.FEEDBACK = {**settings.FEEDBACK, "PERSON_PER_HOUR": 1}
    response = client.post(reverse("feedback:send"), data)
    assert response.status_code == 429 and Feedback.objects.count() == 1


def test_it_refuses_a_procedure_of_another_agency_or_unknown_code(agency: Any) -> None:
    ProcedureFactory(agencies=[AgencyFactory()], code="1.008888")
    client = Client()
    client.force_login(PersonFactory())
    for code, message in (("1.008888", "không do cơ quan đã chọn"), ("9.999999", "Không tìm thấy thủ tục")):
        data = {"agency": str(agency.pk), "procedure_code": code, "title": "x", "content": "y"}
        html = client.post(reverse("feedback:send"), data).content.decode()
        assert message in html
    assert not Feedback.objects.exists()


def _officer_client(agency: Any) -> tuple[Client, Any]:
    officer = OfficerAccountFactory(unit=UnitFactory(code=agency.code))
    client = Client()
    sign_in(client, officer, LocmemBackend.outbox)
    return client, officer


def test_it_lets_the_agencys_officers_answer_with_an_audit_row(client: Client, agency: Any) -> None:
    feedback = _send_anonymous(client, agency)
    officer_client, officer = _officer_client(agency)
    html = officer_client.get(reverse("feedback:officer_list")).content.decode()
    assert feedback.code in html
    url = reverse("feedback:officer_detail", kwargs={"pk": feedback.pk})
    html = officer_client.get(url).content.decode()
    assert "0912345678" in html  # the officer sees the verified phone, to call back
    assert officer_client.post(url, {"answer": ""}).status_code == 200
    response = officer_client.post(url, {"answer": "Sở đã xử lý, xin lỗi bà."})
    assert response.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.state, feedback.answered_by_id) == (Feedback.State.ANSWERED, officer.pk)
    row = AuditLog.objects.get(action="feedback_answer", object_id=str(feedback.pk))
    assert row.before == {"state": "new", "answer": ""} and row.after is not None
    assert row.after["answer"] == "Sở đã xử lý, xin lỗi bà."


def test_it_hides_feedback_of_other_agencies_from_officers(client: Client, agency: Any) -> None:
    feedback = _send_anonymous(client, agency)
    other_client, _officer = _officer_client(AgencyFactory())
    assert feedback.code not in other_client.get(reverse("feedback:officer_list")).content.decode()
    url = reverse("feedback:officer_detail", kwargs={"pk": feedback.pk})
    assert other_client.get(url).status_code == 404
    assert other_client.post(url, {"answer": "x"}).status_code == 404
    assert Client().get(url).status_code == 302  # officers only


def test_it_publishes_answered_feedback_with_consent_and_personal_data_hidden(client: Client, agency: Any) -> None:
    published = _send_anonymous(client, agency, title="Công khai được")
    private = _send_anonymous(Client(REMOTE_ADDR="203.0.113.7"), agency, title="Không công khai", publish_consent="")
    unanswered = _send_anonymous(Client(REMOTE_ADDR="203.0.113.8"), agency, title="Chưa trả lời")
    officer_client, _officer = _officer_client(agency)
    for item in (published, private):
        officer_client.post(reverse("feedback:officer_detail", kwargs={"pk": item.pk}), {"answer": "Đã trả lời"})
    html = client.get(reverse("feedback:index")).content.decode()
    assert "Công khai được" in html and "Không công khai" not in html and unanswered.title not in html
    assert "Nguyễn Thị Bình" not in html and "0912345678" not in html
    assert "N.T.B." in html and "091****678" in html


def test_it_escapes_script_in_feedback_and_answers(client: Client, agency: Any) -> None:
    feedback = _send_anonymous(client, agency, title=SCRIPT, content=f"{SCRIPT}\nDòng hai", sender_name=SCRIPT)
    officer_client, _officer = _officer_client(agency)
    url = reverse("feedback:officer_detail", kwargs={"pk": feedback.pk})
    officer_client.post(url, {"answer": SCRIPT})
    pages = [
        client.get(reverse("feedback:index")).content.decode(),
        client.get(reverse("feedback:mine", kwargs={"token": feedback.access_token})).content.decode(),
        officer_client.get(url).content.decode(),
        officer_client.get(reverse("feedback:officer_list")).content.decode(),
    ]
    for html in pages:
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
