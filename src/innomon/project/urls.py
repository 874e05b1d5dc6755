from django.contrib import admin
from django.urls import include, path

from innomon.project.security import LimitedAdminAuthenticationForm

# the back office's log-in refuses an address or account name after too many wrong passwords
admin.site.login_form = LimitedAdminAuthenticationForm

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("passport/", include("innomon.passports.urls")),
    path("q/", include("innomon.questionnaire.urls")),
    path("", include("innomon.dashboard.urls")),
]
