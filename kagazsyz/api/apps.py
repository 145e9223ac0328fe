from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kagazsyz.api"
    label = "api"
