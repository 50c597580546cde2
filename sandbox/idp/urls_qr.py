"""QR login endpoints, included by ``sandbox/idp/urls.py`` at ``dang-nhap/qr/``.

Reversible as ``idp:qr_create``, ``idp:qr_state``, ``idp:qr_status``, ``idp:qr_complete``.
"""

from django.urls import URLPattern, path

from . import views_qr

urlpatterns: list[URLPattern] = [
    path("moi/", views_qr.qr_create, name="qr_create"),
    path("<str:qr_id>/", views_qr.qr_state, name="qr_state"),
    path("<str:qr_id>/status.json", views_qr.qr_status, name="qr_status"),
    path("<str:qr_id>/hoan-tat/", views_qr.qr_complete, name="qr_complete"),
]
