"""The production static files storage: whitenoise's hashed, compressed files, each URL worked out once."""

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from careers_site.static_storage import StaticFilesStorage


def test_pages_get_the_manifests_hashed_urls_as_whitenoise_gives_them() -> None:
    assert isinstance(staticfiles_storage, StaticFilesStorage)
    url = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert url == CompressedManifestStaticFilesStorage().url("css/site.css")
    assert staticfiles_storage.url("css/site.css") is url  # kept from the first time, not worked out again


def test_a_file_missing_from_the_manifest_is_still_an_error() -> None:
    with pytest.raises(ValueError, match="no-such-file.css"):
        staticfiles_storage.url("css/no-such-file.css")
