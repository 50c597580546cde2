from django.urls import include, path

urlpatterns = [
    path("oauth2/", include("sandbox.idp.urls_oauth2")),
    path("", include("sandbox.idp.urls")),
    path("", include("sandbox.national_accounts.urls")),
    path("app/", include("sandbox.vneid_app.urls")),
    path("dev/sms/", include("sandbox.sms.urls")),
    path("population/", include("sandbox.population.urls")),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
