from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("out/<path:relpath>", views.output_file, name="output"),
]
