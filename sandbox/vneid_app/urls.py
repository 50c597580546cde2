from django.urls import path

app_name = "vneid_app"
urlpatterns: list[path] = []
