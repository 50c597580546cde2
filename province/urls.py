from django.urls import include, path

urlpatterns = [
    path("", include("province.sso.urls")),
    path("", include("province.portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
