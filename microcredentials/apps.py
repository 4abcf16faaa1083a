from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with our staff site (branding and the editors' dashboard) as admin.site."""

    default = False  # named in INSTALLED_APPS; "microcredentials" alone still means the app below
    default_site = "microcredentials.editing.dashboard.StaffAdminSite"


class MicrocredentialsConfig(AppConfig):
    default = True
    name = "microcredentials"
    verbose_name = "Careers advice"

    def ready(self) -> None:
        """Each feature connects its own signals: what it invalidates in the page cache, what it keeps in step."""
        from microcredentials.contact_centre import signals as contact_centre
        from microcredentials.editing import signals as editing
        from microcredentials.follow import signals as follow
        from microcredentials.health import signals as health
        from microcredentials.pages import signals as pages
        from microcredentials.search import signals as search
        from microcredentials.staff import signals as staff

        for feature in (pages, editing, contact_centre, search, staff, follow, health):
            feature.connect()
