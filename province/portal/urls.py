from django.urls import path

from . import linking_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login_page, name="login"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/cap-nhat/", views.account_edit, name="account_edit"),
    path("tai-khoan/nhat-ky-dang-nhap/", views.login_history, name="login_history"),
    path("tai-khoan/chuyen-tai-khoan/", views.switch_account, name="switch_account"),
    path("tai-khoan/cap-nhat-cccd/", linking_views.id_number_update, name="id_number_update"),
    path("tai-khoan/hop-nhat/", linking_views.merge, name="merge"),
    path("tai-khoan/lien-ket/<int:pk>/xoa/", linking_views.unlink, name="unlink"),
    path("phien/giu-ket-noi/", views.keepalive, name="keepalive"),
]
