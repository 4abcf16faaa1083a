from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("markdownx/", include("markdownx.urls")),
    # The app's catch-all topic and page URLs come last.
    path("", include("microcredentials.urls")),
]

handler400 = "microcredentials.errors.bad_request"
handler403 = "microcredentials.errors.permission_denied"
handler500 = "microcredentials.views.server_error"
