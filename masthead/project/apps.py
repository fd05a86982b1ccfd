from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project: settings, addresses, the command line, the worker and the demo. It sits
    above every app; no app imports it."""

    name = "masthead.project"
    label = "project"
    verbose_name = "Masthead project"
