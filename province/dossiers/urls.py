from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path("nop-ho-so/", views.online_list, name="online"),
    path("nop-ho-so/<str:code>/", views.submit_start, name="submit_start"),
    path("nop-ho-so/nhap/<uuid:public_id>/<slug:step>/", views.draft_step, name="draft_step"),
    path("tra-cuu-ho-so/", views.lookup, name="lookup"),
    path("tai-khoan/ho-so/", views.dossier_list, name="list"),
    path("tai-khoan/ho-so/nhap/", views.draft_list, name="drafts"),
    path("tai-khoan/ho-so/nhap/<uuid:public_id>/xoa/", views.draft_delete, name="draft_delete"),
    path("tai-khoan/ho-so/<str:code>/", views.dossier_detail, name="detail"),
    path("tai-khoan/ho-so/<str:code>/da-nop/", views.submitted, name="submitted"),
    path("tai-khoan/ho-so/<str:code>/giay-tiep-nhan.pdf", views.dossier_receipt, name="receipt"),
    path("tai-khoan/ho-so/<str:code>/giay-to/<int:pk>/", views.dossier_document, name="document"),
    path("tai-khoan/ho-so/<str:code>/xin-loi-gia-han/<int:pk>.pdf", views.dossier_extension_pdf, name="extension_pdf"),
    path("tai-khoan/ho-so/<str:code>/rut/", views.dossier_withdraw, name="withdraw"),
    path("tai-khoan/ho-so/<str:code>/bo-sung/", views.dossier_supplement, name="supplement"),
]
