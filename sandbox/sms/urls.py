from django.urls import path

from . import views

app_name = "sms"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("outbox.json", views.outbox_json, name="outbox-json"),
    path("api/send", views.api_send, name="api-send"),
]
