from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "kagazsyz.documents"
    label = "documents"
