from django.urls import path

from . import views

app_name = "passports"
urlpatterns = [
    path("<str:token>/", views.passport, name="passport"),
    path("<str:token>/pdf/", views.passport_pdf, name="pdf"),
]
