from django.apps import AppConfig
from django.db.backends.signals import connection_created


class MicrocredentialsConfig(AppConfig):
    name = "microcredentials"
    verbose_name = "Careers advice"

    def ready(self) -> None:
        from microcredentials import outage
        from microcredentials.caching import connect_invalidation_signals

        connect_invalidation_signals()
        # The end of a database outage shows as the next new connection.
        connection_created.connect(outage.database_reconnected, dispatch_uid="outage-reconnected")
        # Connects the signal handlers that keep the search index in step with saved pages.
        from microcredentials import search  # noqa: F401
