from django.apps import AppConfig


class JourneysConfig(AppConfig):
    name = "kagazsyz.journeys"
    label = "journeys"
