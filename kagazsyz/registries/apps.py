from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    name = "kagazsyz.registries"
    label = "registries"
