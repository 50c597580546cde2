"""Uploaded officer images (avatar, signature): checked by content, re-encoded, renamed.

Pillow ``verify()`` proves the bytes are an image; only JPEG and PNG are kept; the image
is re-encoded (dropping EXIF/GPS and anything appended after the image data) and gets a
random name from the model's ``upload_to``.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 5000 * 5000
_FORMATS = {"JPEG": "jpg", "PNG": "png"}


def clean_image(upload: UploadedFile[bytes]) -> ContentFile[bytes]:
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(_("Ảnh không được lớn hơn 2 MB."), code="too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("Ảnh không được lớn hơn 2 MB."), code="too_large")
    wrong_type = ValidationError(_("Chỉ chấp nhận ảnh định dạng JPEG hoặc PNG."), code="wrong_type")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _FORMATS:
                raise wrong_type
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("Ảnh có kích thước quá lớn."), code="too_many_pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            fmt = str(image.format)
            image.load()
            out = io.BytesIO()
            if fmt == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=88)
            else:
                keep = image if image.mode in ("RGB", "RGBA", "L", "LA", "P") else image.convert("RGBA")
                keep.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise wrong_type from exc
    return ContentFile(out.getvalue(), name=f"image.{_FORMATS[fmt]}")
