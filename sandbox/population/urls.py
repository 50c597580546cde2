from django.urls import path

app_name = "population"
urlpatterns: list[path] = []
