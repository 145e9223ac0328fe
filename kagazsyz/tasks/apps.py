from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "kagazsyz.tasks"
    label = "tasks"

    def ready(self) -> None:
        # Each installed app's ``tasks`` module registers its tasks (``@task``), so that the web
        # process can check names at enqueue time and workers can run them.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
