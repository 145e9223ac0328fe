from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "kagazsyz.notifications"
    label = "notifications"

    def ready(self) -> None:
        # Registers the delivery task with the queue, so workers can run it.
        from kagazsyz.notifications import tasks  # noqa: F401
