from django.urls import path

from . import views

app_name = "questionnaire"
urlpatterns = [
    path("open/<str:token>/", views.open_link, name="open"),
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/p/<str:name>/", views.page, name="page"),
    path("<str:token>/save/", views.save, name="save"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/done/", views.done, name="done"),
    path("<str:token>/opt-out/", views.opt_out, name="opt_out"),
]
