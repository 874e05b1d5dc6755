from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("out/<path:relpath>", views.output_file, name="output"),
    path("sample/<slug:region>/<int:year>/", views.sample, name="sample"),
    path("team/files/", views.team_files, name="team_files"),
    path("team/files/<path:relpath>", views.team_file, name="team_file"),
]
