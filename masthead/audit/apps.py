from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "masthead.audit"
    label = "audit"
    verbose_name = "Security audit log"
