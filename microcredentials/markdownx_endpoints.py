"""The editor's Markdown preview and image upload (django-markdownx), for signed-in staff only.

markdownx's own views serve anyone, let anyone upload images, and answer 500 to a
malformed request (a preview without content, a "PNG" that is not one). These take
their place at the same addresses, which the markdownx widget has built in.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from markdownx.exceptions import MarkdownxImageUploadError
from markdownx.forms import ImageForm
from PIL import Image

from microcredentials.rendering import render_markdown_html

View = Callable[[HttpRequest], HttpResponse]
# The stored file's extension comes from the checked content type, never from the uploaded name.
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
NOT_AN_IMAGE = "This file is not an image we can use. Upload a JPEG, PNG or WebP image."


def staff_only(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("Only signed-in staff can use the editor.")
        return view(request)

    return wrapped


@require_POST
@staff_only
def markdownify(request: HttpRequest) -> HttpResponse:
    source = request.POST.get("content")
    if source is None:
        return HttpResponseBadRequest("Send the Markdown to preview as 'content'.", content_type="text/plain")
    return HttpResponse(render_markdown_html(source))


@require_POST
@staff_only
def upload(request: HttpRequest) -> HttpResponse:
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse(
            {"image": [message for messages in form.errors.values() for message in messages]}, status=400
        )
    image = request.FILES.get("image")
    extension = EXTENSIONS.get(str(getattr(image, "content_type", "")))
    if image is None or extension is None:
        return JsonResponse({"image": [NOT_AN_IMAGE]}, status=400)
    image.name = f"upload.{extension}"
    try:
        url = form.save(commit=True)
    except (OSError, ValueError, MarkdownxImageUploadError, Image.DecompressionBombError):
        return JsonResponse({"image": [NOT_AN_IMAGE]}, status=400)
    return JsonResponse({"image_code": f"![]({url})"})
