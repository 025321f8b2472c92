from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "fangxian.access"
    label = "access"
    verbose_name = "Closed management"
