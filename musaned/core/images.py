"""Uploaded pictures are decoded and written afresh (issue 10, decision 0008).

What is stored is a PNG or JPEG that Pillow wrote from the decoded pixels: no EXIF
(place, camera, time), no text chunks, no colour profile, nothing appended after
the picture's end (a second file hidden behind it), no later frames. The EXIF
orientation is applied first, so a phone photo stays the right way up.

The picture's size is read from its header and checked against
``MUSANED_IMAGE_MAX_PIXELS`` before any pixel is decoded, so a decompression bomb
(a small file that claims tens of thousands of pixels a side) costs nothing.
"""

import warnings
from enum import StrEnum
from io import BytesIO

from musaned.core.uploads import ContentRefused


class ImageProblem(StrEnum):
    UNREADABLE = "image_unreadable"
    TOO_MANY_PIXELS = "image_too_many_pixels"


class ImageRefused(ContentRefused):
    """A picture that may not pass: its ``ImageProblem`` and what was found."""


# The format Pillow must find for each type the magic bytes said.
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


def reencode(data: bytes, *, content_type: str, max_pixels: int) -> bytes:
    """A fresh file of the same type from the pixels of ``data``; ``ImageRefused`` otherwise."""
    from PIL import Image, ImageOps

    expected = FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            # Pillow warns from ~89 million pixels; our own, lower limit is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(BytesIO(data), formats=[expected])
        with opened as image:
            width, height = image.size
            if width * height > max_pixels:
                raise ImageRefused(ImageProblem.TOO_MANY_PIXELS, f"{width}x{height}")
            image.load()
            picture = ImageOps.exif_transpose(image)
    except ImageRefused:
        raise
    except Exception as exc:  # truncated, corrupt, a bomb Pillow itself refuses, …
        raise ImageRefused(ImageProblem.UNREADABLE, f"{type(exc).__name__}: {exc}") from None
    picture = _plain_mode(picture, expected)
    picture.info = {}  # nothing of the original's metadata is written back
    out = BytesIO()
    if expected == "JPEG":
        picture.save(out, "JPEG", quality=90, optimize=True)
    else:
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _plain_mode(picture, expected: str):
    """A mode the format writes and every browser shows."""
    has_alpha = "A" in picture.getbands() or "transparency" in picture.info
    if expected == "JPEG":
        return picture if picture.mode in ("L", "RGB") else picture.convert("RGB")
    if picture.mode == "P" and "transparency" in picture.info:
        return picture.convert("RGBA")
    if picture.mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return picture
    return picture.convert("RGBA" if has_alpha else "RGB")
