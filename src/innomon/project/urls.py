from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("passport/", include("innomon.passports.urls")),
    path("q/", include("innomon.questionnaire.urls")),
    path("", include("innomon.dashboard.urls")),
]
