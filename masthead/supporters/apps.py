from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "masthead.supporters"
    label = "supporters"
    verbose_name = "Supporters"
