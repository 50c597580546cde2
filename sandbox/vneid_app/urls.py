"""The simulated VNeID phone app, mounted at ``/app/``: web pages and a JSON API."""

from django.urls import URLPattern, path

from . import api, views

app_name = "vneid_app"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("dang-xuat/", views.sign_out, name="sign_out"),
    path("quet-ma/", views.scan, name="scan"),
    path("yeu-cau/<str:qr_id>/", views.login_request, name="request"),
    path("thong-bao/", views.notice, name="notice"),
    path("api/session", api.session, name="api_session"),
    path("api/qr/scan", api.qr_scan, name="api_qr_scan"),
    path("api/qr/approve", api.qr_approve, name="api_qr_approve"),
    path("api/qr/refuse", api.qr_refuse, name="api_qr_refuse"),
]
