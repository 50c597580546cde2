from django.urls import include, path

from . import views

app_name = "idp"
urlpatterns = [
    path("", views.login_page, name="home"),
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-nhap/vneid/", views.vneid_password, name="vneid_password"),
    path("dang-nhap/dvcqg/", views.portal_password, name="portal_password"),
    path("dang-nhap/otp/", views.otp_page, name="otp"),
    path("dang-nhap/qr/", include("sandbox.idp.urls_qr")),
    path("tai-khoan/", views.account_page, name="account"),
    path("dang-xuat/", views.logout_view, name="logout"),
]
