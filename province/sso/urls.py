from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("sso/login/", views.login, name="login"),
    path("sso/callback/", views.callback, name="callback"),
    path("sso/backchannel-logout/", views.backchannel_logout, name="backchannel_logout"),
    path("dang-xuat/", views.logout, name="logout"),
]
