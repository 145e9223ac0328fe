from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "kagazsyz.catalog"
    label = "catalog"
