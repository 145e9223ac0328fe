from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kagazsyz.core"
    label = "core"
