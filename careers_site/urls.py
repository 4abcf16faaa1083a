from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from careers_site.http.metrics_endpoint import metrics_view
from microcredentials.editing import endpoints as editor
from microcredentials.staff import two_factor

urlpatterns = [
    # Passkey ceremonies (django-otp-webauthn), before the admin's own catch-all.
    path(f"{settings.ADMIN_PATH}webauthn/", include(two_factor.passkey_urls(), namespace="otp_webauthn")),
    path(settings.ADMIN_PATH, admin.site.urls),
    # The Markdown editor's preview and upload: staff only (replaces markdownx.urls, which are open to all).
    path("markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload_image, name="markdownx_upload"),
    # Images uploaded in the editor, in development and production alike.
    path(
        f"{settings.MEDIA_URL.strip('/')}/{settings.MARKDOWNX_MEDIA_PATH}<str:name>",
        editor.uploaded_image,
        name="uploaded_image",
    ),
    # Prometheus metrics: allowed addresses or the bearer token only; anyone else gets the 404 page.
    path("metrics", metrics_view, name="metrics"),
    # The app's catch-all topic and page URLs come last.
    path("", include("microcredentials.urls")),
]

handler400 = "careers_site.http.errors.bad_request"
handler403 = "careers_site.http.errors.permission_denied"
handler500 = "careers_site.http.errors.server_error"
