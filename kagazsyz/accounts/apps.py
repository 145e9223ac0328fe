from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kagazsyz.accounts"
    label = "accounts"
