from django.urls import path

from . import views

app_name = "datastore"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/tai-ve/", views.document_download, name="download"),
    path("<int:pk>/xoa/", views.document_delete, name="delete"),
]
