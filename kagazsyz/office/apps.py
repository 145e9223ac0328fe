from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "kagazsyz.office"
    label = "office"
