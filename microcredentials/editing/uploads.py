"""Images uploaded through the editor: checked from their content, re-encoded, stored under a random name.

Only the bytes decide what a file is: its name and the browser's claimed type are ignored.
Re-encoding with Pillow drops EXIF, comments and colour-profile chunks, and anything a file
might hide after its image data.
"""

import io
import logging
import re
import uuid
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from PIL import Image, ImageOps, UnidentifiedImageError

from careers_site.http.outage import OutageReport

# Pillow format name -> (file extension, save options).
ALLOWED_FORMATS: dict[str, tuple[str, dict[str, object]]] = {
    "JPEG": ("jpg", {"quality": 85, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 85}),
}
# The type each stored extension is served as (image/jpeg, image/png, image/webp), and what a stored upload's
# name looks like (see store_upload).
CONTENT_TYPES = {extension: f"image/{image_format.lower()}" for image_format, (extension, _) in ALLOWED_FORMATS.items()}
STORED_NAME = re.compile(rf"[0-9a-f]{{32}}\.(?:{'|'.join(CONTENT_TYPES)})")
MAX_PIXELS = 40_000_000  # far beyond any web image; refuses decompression bombs early
NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image. Upload a photo or graphic saved in one of those formats."
TOO_MANY_PIXELS = "This image has too many pixels. Resize it to under 40 megapixels first."
STORE_UNAVAILABLE = "The image could not be saved just now. Try again in a few minutes."

logger = logging.getLogger(__name__)


class UploadRejected(Exception):
    """An upload the editor must fix; the message says how. `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class StoredImage:
    name: str
    url: str


def max_upload_bytes() -> int:
    return int(settings.MARKDOWNX_UPLOAD_MAX_SIZE)


def too_large_message() -> str:
    return f"This image is larger than {max_upload_bytes() // (1024 * 1024)} MB. Make it smaller and upload it again."


def reencode_image(data: io.BytesIO | UploadedFile) -> tuple[bytes, str]:
    """Check what an upload really is and return clean image bytes and their file extension."""
    try:
        with Image.open(data) as original:
            image_format = original.format or ""
            if image_format not in ALLOWED_FORMATS:
                raise UploadRejected(NOT_AN_IMAGE)
            width, height = original.size
            if width * height > MAX_PIXELS:
                raise UploadRejected(TOO_MANY_PIXELS)
            original.load()
            image = ImageOps.exif_transpose(original)  # keep the photo upright once EXIF is gone
    except Image.DecompressionBombError:
        # Pillow refuses to open an image of over twice its own limit (about 179 megapixels) at all.
        raise UploadRejected(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise UploadRejected(NOT_AN_IMAGE) from None
    except OSError:
        raise UploadRejected(
            "This image file is damaged or incomplete. Save it again and upload the new copy."
        ) from None
    extension, options = ALLOWED_FORMATS[image_format]
    image = _compatible_mode(image, image_format)
    image.info = {}  # metadata Pillow would otherwise copy into the new file
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue(), extension


def _compatible_mode(image: Image.Image, image_format: str) -> Image.Image:
    if image_format == "JPEG":
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    return image.convert("RGBA")


def store_upload(upload: UploadedFile) -> StoredImage:
    """Validate, re-encode and save an upload; raises UploadRejected with a message for the editor."""
    if upload.size is None or upload.size > max_upload_bytes():
        raise UploadRejected(too_large_message(), status=413)
    data, extension = reencode_image(upload)
    try:
        name = default_storage.save(f"{settings.MARKDOWNX_MEDIA_PATH}{uuid.uuid4().hex}.{extension}", ContentFile(data))
    except (OSError, BotoCoreError, ClientError):  # the folder, or the object storage, cannot take it just now
        logger.exception("An uploaded image could not be stored")
        raise UploadRejected(STORE_UNAVAILABLE, status=503) from None
    return StoredImage(name=name, url=upload_url(name))


def upload_url(name: str) -> str:
    """Where pages link to a stored upload: the app's own /media/uploads/<name> (endpoints.uploaded_image), which
    serves it from whichever storage holds it, or with DJANGO_MEDIA_S3_CUSTOM_DOMAIN the CDN in front of the bucket.

    Not the storage's own address: for a private bucket that is a signed link that stops working within the hour.
    """
    if settings.MEDIA_S3_CUSTOM_DOMAIN:
        return default_storage.url(name)
    return reverse("uploaded_image", kwargs={"name": name.removeprefix(settings.MARKDOWNX_MEDIA_PATH)})


class StoreUnavailable(Exception):
    """The media folder or the object storage cannot be read just now."""


# Logged once a minute while reads fail, and once when they work again, not once for each image on each page.
storage_outage = OutageReport("Media storage")


def open_upload(name: str) -> tuple[File, str] | None:
    """A stored upload, open for reading, with its content type; None if no upload has that name.

    Only names store_upload makes are looked up, so no other file in the media folder can be reached.
    Raises StoreUnavailable if the storage cannot be read.
    """
    if not STORED_NAME.fullmatch(name):
        return None
    try:
        found = default_storage.open(f"{settings.MARKDOWNX_MEDIA_PATH}{name}")
    except FileNotFoundError:
        return None
    except (OSError, BotoCoreError, ClientError) as error:
        storage_outage.failed(f"reading the upload {name}", error)
        raise StoreUnavailable from error
    storage_outage.reconnected()
    return found, CONTENT_TYPES[name.rsplit(".", 1)[1]]
