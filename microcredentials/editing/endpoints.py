"""The Markdown editor's endpoints: live preview and image upload, for signed-in staff only.

They replace django-markdownx's own views, which answer anyone and render without sanitising.
The preview uses the same renderer as the public page, so editors see what readers will see.
Answers follow markdownx's widget: preview HTML as text, uploads as JSON with `image_code`,
errors as JSON `{"image": ["message"]}` (admin-editor.js shows them to the editor).
A preview refusal is plain text with a 400; markdownx puts whatever comes back in the preview,
so the editor reads the reason there.
"""

from collections.abc import Callable
from functools import wraps

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from careers_site.http.outage import service_unavailable
from careers_site.http.security import read_only
from microcredentials.editing.uploads import (
    StoreUnavailable,
    UploadRejected,
    max_upload_bytes,
    open_upload,
    store_upload,
    too_large_message,
)
from microcredentials.pages.rendering import MarkdownRefused, render_markdown_html

View = Callable[[HttpRequest], HttpResponse]
MULTIPART_ALLOWANCE = 64 * 1024  # form boundaries and the CSRF token around the file
# An upload's name is random and never reused for other bytes, so browsers and CDNs may keep it for a year.
UPLOAD_CACHE_CONTROL = "public, max-age=31536000, immutable"
NOT_ALLOWED = "Only signed-in staff who edit pages can use the editor."


def _is_staff(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


def _may_edit_pages(request: HttpRequest) -> bool:
    user = request.user
    return _is_staff(request) and (
        user.has_perm("microcredentials.change_advicepage") or user.has_perm("microcredentials.add_advicepage")
    )


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"image": [message]}, status=status)


def staff_only(check: Callable[[HttpRequest], bool]) -> Callable[[View], View]:
    """Refuse with 403 (not a login redirect: these are called from a script) unless `check` passes."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponse:
            if not check(request):
                return HttpResponse(NOT_ALLOWED, status=403, content_type="text/plain; charset=utf-8")
            return view(request)

        return wrapped

    return decorator


@never_cache
@require_POST
@staff_only(_is_staff)
def markdownify(request: HttpRequest) -> HttpResponse:
    content = request.POST.get("content")
    if content is None:
        return HttpResponse("Send the Markdown to preview as content.", status=400, content_type="text/plain")
    try:
        return HttpResponse(render_markdown_html(content))
    except MarkdownRefused as refused:
        return HttpResponse(str(refused), status=400, content_type="text/plain; charset=utf-8")


@never_cache
@require_POST
@staff_only(_may_edit_pages)
def upload_image(request: HttpRequest) -> HttpResponse:
    # Refuse an oversized body before reading it.
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > max_upload_bytes() + MULTIPART_ALLOWANCE:
        return _error(too_large_message(), status=413)
    upload = request.FILES.get("image")
    if upload is None:
        return _error("Choose an image to upload.", status=400)
    try:
        stored = store_upload(upload)
    except UploadRejected as rejected:
        return _error(rejected.message, status=rejected.status)
    # No alt text on purpose: the content checks ask the editor to describe the image.
    return JsonResponse({"image_code": f"![]({stored.url})"})


@read_only
def uploaded_image(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    """An image an editor uploaded, served by the app itself in production too (see docs/deployment.md)."""
    try:
        found = open_upload(name)
    except StoreUnavailable:
        return service_unavailable(request)  # 503 with Retry-After: the image is there, the store is not reachable
    if found is None:
        raise Http404("No uploaded image has that name.")
    file, content_type = found
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = UPLOAD_CACHE_CONTROL
    return response
