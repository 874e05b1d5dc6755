from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "innomon.questionnaire"
    default_auto_field = "django.db.models.BigAutoField"
