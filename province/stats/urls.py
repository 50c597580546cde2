from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("thong-ke/", views.index, name="index"),
    path("thong-ke/xuat.csv", views.export_csv, name="csv"),
    path("tai-khoan/ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("motcua/danh-gia/", views.officer_ratings, name="officer_ratings"),
]
