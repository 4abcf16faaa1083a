from django.apps import AppConfig


class MicrocredentialsConfig(AppConfig):
    name = "microcredentials"
    verbose_name = "Careers advice"
