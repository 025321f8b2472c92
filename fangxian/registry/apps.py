from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fangxian.registry"
    label = "registry"
    verbose_name = "Registry"
