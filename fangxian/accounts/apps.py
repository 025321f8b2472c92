from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fangxian.accounts"
    label = "accounts"
    verbose_name = "Accounts"
