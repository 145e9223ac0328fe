from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "kagazsyz.payments"
    label = "payments"

    def ready(self) -> None:
        # Registers the payment tasks with the queue, so workers can run them.
        from kagazsyz.payments import tasks  # noqa: F401
