from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("phan-anh-kien-nghi/", views.index, name="index"),
    path("phan-anh-kien-nghi/gui/", views.send, name="send"),
    path("phan-anh-kien-nghi/xac-thuc/", views.verify, name="verify"),
    path("phan-anh-kien-nghi/xac-thuc/gui-lai/", views.resend, name="resend"),
    path("phan-anh-kien-nghi/cua-toi/", views.own, name="own"),
    path("phan-anh-kien-nghi/xem/<str:token>/", views.mine, name="mine"),
    path("motcua/phan-anh/", views.officer_list, name="officer_list"),
    path("motcua/phan-anh/<int:pk>/", views.officer_detail, name="officer_detail"),
]
