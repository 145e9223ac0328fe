from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "kagazsyz.ledger"
    label = "ledger"
