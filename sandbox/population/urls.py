from django.urls import path

from . import views

app_name = "population"
urlpatterns = [
    path("api/v1/persons/<str:id_number>", views.person_detail, name="person-detail"),
    path("api/v1/match", views.match, name="match"),
]
