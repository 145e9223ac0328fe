from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "kagazsyz.applications"
    label = "applications"
