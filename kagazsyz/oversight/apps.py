from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "kagazsyz.oversight"
    label = "oversight"
