from django.apps import AppConfig


class MicrocredentialsConfig(AppConfig):
    name = "microcredentials"
    verbose_name = "Careers advice"

    def ready(self) -> None:
        from microcredentials.caching import connect_invalidation_signals

        connect_invalidation_signals()
