from django.urls import path

from .api import api
from .auth import token_view

urlpatterns = [
    path("oauth/token/", token_view, name="api-token"),
    path("v1/", api.urls),
]
