from django.urls import path

from . import dossier_views, views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-nhap/otp/", views.otp_page, name="otp"),
    path("dang-nhap/otp/gui-lai/", views.otp_resend, name="otp_resend"),
    path("dang-nhap/otp/huy/", views.otp_cancel, name="otp_cancel"),
    path("dang-nhap/vneid/", views.vneid_start, name="vneid"),
    path("dang-nhap/chon-tai-khoan/", views.choose_account, name="choose_account"),
    path("dang-xuat/", views.logout, name="logout"),
    path("chuyen-tai-khoan/", views.switch_account, name="switch_account"),
    path("trang-ca-nhan/", views.profile, name="profile"),
    path("trang-ca-nhan/cap-nhat/", views.profile_edit, name="profile_edit"),
    path("trang-ca-nhan/anh/<str:kind>/", views.own_image, name="own_image"),
    path("nhat-ky-dang-nhap/", views.login_log, name="login_log"),
    path("quan-tri/don-vi/", views.units, name="units"),
    path("quan-tri/don-vi/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("quan-tri/don-vi/<int:unit_id>/tai-khoan/", views.unit_accounts, name="unit_accounts"),
    path("quan-tri/tai-khoan/<int:account_id>/dinh-chi/", views.account_suspend, name="account_suspend"),
    path("quan-tri/tai-khoan/<int:account_id>/vai-tro/", views.account_role, name="account_role"),
    path("quan-tri/tai-khoan/<int:account_id>/anh/<str:kind>/", views.account_image, name="account_image"),
    path("quan-tri/chuan-hoa/", views.campaigns, name="campaigns"),
    path("quan-tri/chuan-hoa/<int:campaign_id>/", views.campaign_report, name="campaign_report"),
    path("quan-tri/chuan-hoa/<int:campaign_id>/xuat.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("quan-tri/chuan-hoa/<int:campaign_id>/nhac-nho/", views.campaign_remind, name="campaign_remind"),
    path("ho-so/", dossier_views.queue, name="dossiers"),
    path("ho-so/tra-cuu/", dossier_views.quick_lookup, name="dossier_lookup"),
    path("ho-so/so-theo-doi.pdf", dossier_views.register_pdf, name="dossier_register"),
    path("ho-so/canh-bao/<int:pk>/da-xem/", dossier_views.alert_read, name="dossier_alert_read"),
    path("ho-so/<str:code>/", dossier_views.detail, name="dossier"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", dossier_views.document, name="dossier_document"),
    path("ho-so/<str:code>/thao-tac/<slug:key>/", dossier_views.action, name="dossier_action"),
    path("ho-so/<str:code>/mau-<str:number>.pdf", dossier_views.form_pdf, name="dossier_form"),
]
