from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "masthead.imports"
    label = "imports"
    verbose_name = "Moving in (imports)"
