from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("province.sso.urls")),
    path("", include("province.portal.urls")),
    path("motcua/", include("province.backoffice.urls")),
    path("thu-tuc/", include("province.catalogue.urls")),
    path("", include("province.dossiers.urls")),
    path("kho-du-lieu/", include("province.datastore.urls")),
    path("api/", include("province.api.urls")),
    path("", include("province.stats.urls")),
    path("", include("province.feedback.urls")),
    path("captcha/", include("captcha.urls")),
    path("tin-tuc/", include("province.news.urls")),
    path("quan-tri/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("province.ops.urls")),
]

if settings.BENCH_HELLO:
    from province.portal.hello import hello

    urlpatterns.append(path("bench/hello/", hello))

# A clean page (JSON under /api/), 503 when the database or the cache is unreachable.
handler500 = "province.ops.views.server_error"
