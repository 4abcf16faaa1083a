from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from microcredentials import markdownx_endpoints

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    # The editor's preview and upload: staff only, in place of markdownx's open views.
    path("markdownx/markdownify/", markdownx_endpoints.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", markdownx_endpoints.upload, name="markdownx_upload"),
    # The app's catch-all topic and page URLs come last.
    path("", include("microcredentials.urls")),
]

handler400 = "microcredentials.errors.bad_request"
handler403 = "microcredentials.errors.permission_denied"
handler500 = "microcredentials.views.server_error"
