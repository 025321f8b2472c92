from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fangxian.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from fangxian.core.scope import register_grant_source

        from .grants import grants_for

        register_grant_source(grants_for)
