from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kagazsyz.web"
    label = "web"
