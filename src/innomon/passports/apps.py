from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "innomon.passports"
    default_auto_field = "django.db.models.BigAutoField"
