from __future__ import annotations

import importlib
import types

import pytest
from django.http import HttpResponse
from django.urls import include, path, reverse

from province.catalogue.models import Level

from .factories import AgencyFactory, FieldFactory, ProcedureDocumentFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth():
    procedure = ProcedureFactory(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory(code="HO-TICH", name="Hộ tịch"),
        agencies=[AgencyFactory(name="UBND phường Phố Hiến")],
        processing_days="0.5",
        fee_text="Miễn lệ phí",
        legal_basis="Luật Hộ tịch năm 2014",
    )
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai đăng ký khai sinh", with_template=True, order=1)
    ProcedureDocumentFactory(procedure=procedure, name="Văn bản ủy quyền", required=False, order=2)
    return procedure


def test_it_lists_procedures_with_a_search_box_filters_and_a_count(client, birth):
    ProcedureFactory(
        code="1.012795",
        name="Đăng ký biến động đất đai",
        field=FieldFactory(code="DD", name="Đất đai"),
        level=Level.PROVINCE,
    )
    page = client.get(reverse("catalogue:list")).content.decode()
    assert "BỘ THỦ TỤC" in page
    assert "Tìm thấy 2 thủ tục" in page
    for label_for in ('for="id_q"', 'for="id_field"', 'for="id_agency"', 'for="id_level"', 'for="id_online_level"'):
        assert label_for in page
    assert 'id="id_q"' in page and 'name="q"' in page
    assert "Thủ tục đăng ký khai sinh" in page and "Đăng ký biến động đất đai" in page
    # "Đ" sorts with "D", whatever the database collation
    assert page.index(">Đất đai</option>") < page.index(">Hộ tịch</option>")


def test_it_searches_from_the_list_page_without_diacritics(client, birth):
    page = client.get(reverse("catalogue:list"), {"q": "dang ky khai sinh"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in page and f'href="/thu-tuc/{birth.code}/"' in page.replace(
        reverse("catalogue:list"), "/thu-tuc/"
    )
    page = client.get(reverse("catalogue:list"), {"q": "ket hon"}).content.decode()
    assert "Tìm thấy 0 thủ tục" in page and "Không có thủ tục nào phù hợp" in page


def test_it_filters_on_the_list_page_and_ignores_bad_filter_values(client, birth):
    assert "Tìm thấy 0 thủ tục" in client.get(reverse("catalogue:list"), {"level": "tinh"}).content.decode()
    assert "Tìm thấy 1 thủ tục" in client.get(reverse("catalogue:list"), {"level": "xa"}).content.decode()
    response = client.get(reverse("catalogue:list"), {"field": "nope", "page": "999999999"})
    assert response.status_code == 200


def test_it_paginates_the_list(client):
    field = FieldFactory(code="HO-TICH", name="Hộ tịch")
    for n in range(25):
        ProcedureFactory(code=f"1.0000{n:02d}", name=f"Thủ tục số {n:02d}", field=field)
    first = client.get(reverse("catalogue:list")).content.decode()
    assert "Tìm thấy 25 thủ tục" in first and "Trang 1/2" in first and 'rel="next"' in first
    second = client.get(reverse("catalogue:list"), {"page": 2}).content.decode()
    assert "Thủ tục số 24" in second and "Thủ tục số 00" not in second


def test_it_shows_every_part_of_a_procedure(client, birth):
    page = client.get(reverse("catalogue:detail", args=[birth.code])).content.decode()
    for text in (
        "Thủ tục đăng ký khai sinh",
        "1.001193",
        "Hộ tịch",
        "UBND phường Phố Hiến",
        "Cấp xã",
        "Toàn trình",
        "0,5 ngày làm việc",  # Vietnamese decimal comma
        "Miễn lệ phí",
        "Luật Hộ tịch năm 2014",
        "Tờ khai đăng ký khai sinh",
        "(Bắt buộc)",
        "Văn bản ủy quyền",
        "Tải mẫu",
    ):
        assert text in page, text
    assert page.count("(Bắt buộc)") == 1


def _urls_without_dossiers(settings, monkeypatch):
    """The project as it was before the dossiers app: its URLs and menu entries removed."""
    from province.portal import menu

    registry = {k: v for k, v in menu._REGISTRY.items() if not v.url_name.startswith("dossiers:")}
    monkeypatch.setattr(menu, "_REGISTRY", registry)
    project_urls = importlib.import_module(settings.ROOT_URLCONF)
    without = types.ModuleType("urls_without_dossiers")
    without.urlpatterns = [p for p in project_urls.urlpatterns if getattr(p, "namespace", None) != "dossiers"]
    return without


def test_it_shows_no_submit_button_while_online_submission_does_not_exist(client, birth, settings, monkeypatch):
    settings.ROOT_URLCONF = _urls_without_dossiers(settings, monkeypatch)
    page = client.get(reverse("catalogue:detail", args=[birth.code])).content.decode()
    assert "Nộp hồ sơ trực tuyến" not in page


def test_it_shows_the_submit_button_once_the_dossiers_app_provides_it(client, birth, settings, monkeypatch):
    project_urls = _urls_without_dossiers(settings, monkeypatch)
    dossiers = ([path("nop/<str:code>/", lambda request, code: HttpResponse(), name="submit_start")], "dossiers")
    with_dossiers = types.ModuleType("urls_with_dossiers")
    with_dossiers.urlpatterns = [*project_urls.urlpatterns, path("ho-so/", include(dossiers))]
    settings.ROOT_URLCONF = with_dossiers
    page = client.get(reverse("catalogue:detail", args=[birth.code])).content.decode()
    assert "Nộp hồ sơ trực tuyến" in page and 'href="/ho-so/nop/1.001193/"' in page


def test_it_answers_404_for_unknown_and_inactive_procedures(client, birth):
    assert client.get(reverse("catalogue:detail", args=["9.999999"])).status_code == 404
    inactive = ProcedureFactory(code="1.000002", inactive=True)
    assert client.get(reverse("catalogue:detail", args=[inactive.code])).status_code == 404


def test_it_streams_a_template_with_a_safe_file_name(client, birth):
    document = birth.documents.get(order=1)
    response = client.get(reverse("catalogue:document_template", args=[birth.code, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 mau to khai"
    assert response["Content-Disposition"] == 'attachment; filename="to-khai-dang-ky-khai-sinh.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_refuses_templates_of_inactive_procedures_and_documents_without_one(client, birth):
    document = birth.documents.get(order=1)
    other = birth.documents.get(order=2)
    assert client.get(reverse("catalogue:document_template", args=[birth.code, other.pk])).status_code == 404
    assert client.get(reverse("catalogue:document_template", args=["1.000000", document.pk])).status_code == 404
    birth.is_active = False
    birth.save()
    assert client.get(reverse("catalogue:document_template", args=[birth.code, document.pk])).status_code == 404


def test_it_adds_the_catalogue_to_the_portal_menu(client, birth):
    page = client.get("/").content.decode()
    assert "BỘ THỦ TỤC" in page and f'href="{reverse("catalogue:list")}"' in page


def test_it_speaks_english_when_asked(client, birth):
    page = client.get(reverse("catalogue:list"), {"q": "khai sinh"}, headers={"accept-language": "en"}).content.decode()
    assert "1 procedure found" in page and "Keywords or procedure code" in page
    detail = client.get(
        reverse("catalogue:detail", args=[birth.code]), headers={"accept-language": "en"}
    ).content.decode()
    assert "Required" in detail and "Commune level" in detail and "Fully online" in detail
