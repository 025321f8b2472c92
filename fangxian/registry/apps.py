from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fangxian.registry"
    label = "registry"
    verbose_name = "Registry"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  registers the periodic jobs
