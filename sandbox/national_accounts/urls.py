from django.urls import URLPattern, path

from . import views

app_name = "national_accounts"
urlpatterns: list[URLPattern] = [
    path("dang-ky/", views.register_choice, name="register_choice"),
    path("dang-ky/cong-dan/thue-bao-di-dong/", views.register, name="register"),
    path("dang-ky/cong-dan/thue-bao-di-dong/xac-thuc/", views.register_otp, name="register_otp"),
    path("dang-ky/cong-dan/thue-bao-di-dong/mat-khau/", views.register_password, name="register_password"),
    path("dang-ky/cong-dan/thue-bao-di-dong/thanh-cong/", views.register_done, name="register_done"),
    path("quen-mat-khau/", views.reset, name="reset"),
    path("quen-mat-khau/xac-thuc/", views.reset_otp, name="reset_otp"),
    path("quen-mat-khau/mat-khau-moi/", views.reset_password, name="reset_password"),
    path("quen-mat-khau/thanh-cong/", views.reset_done, name="reset_done"),
    path("thong-tin-ca-nhan/dinh-danh/", views.identity, name="identity"),
]
