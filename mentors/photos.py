"""Profile photos: whatever people upload becomes two clean square JPEGs, or a message.

Judged by content, never by file name: Pillow must recognise a JPEG, PNG, WebP or GIF
(SVG, HTML or anything else named .jpg is refused). Size is checked twice before any
pixel is decoded: at most 5 MB of file and 40 megapixels of image, so a decompression
bomb is refused from its header. The image is then decoded in full, which is what
catches a truncated file; EXIF orientation is applied and nothing else of the original
survives (no EXIF, GPS, comments or colour profiles are written). CMYK, 16-bit,
palette and transparent images are converted to plain RGB first. The results are
96 and 400 px squares, centred, under unguessable names.
"""

import io
import secrets
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
SIZES = (96, 400)
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class PhotoError(ValueError):
    """An upload we will not use; the message tells the person what to do."""


def read_limited(upload):
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is larger than 5 MB. Choose a smaller file."))
    if not data:
        raise PhotoError(_("The file is empty."))
    return data


def open_checked(data):
    """Open from the header only, and refuse what we will not decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise PhotoError(_("This is not a JPEG, PNG, WebP or GIF image.")) from None
    except OSError:
        raise PhotoError(_("This image could not be read.")) from None
    if image.format not in FORMATS:
        raise PhotoError(_("This is not a JPEG, PNG, WebP or GIF image."))
    if image.width * image.height > MAX_PIXELS:
        raise PhotoError(
            _("The image is %(mp)s megapixels; the most we take is 40. Choose a smaller one.")
            % {"mp": round(image.width * image.height / 1_000_000)}
        )
    return image


def to_rgb(image):
    """Plain 8-bit RGB: CMYK, 16-bit greyscale, palettes and transparency converted."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits rather than clip (which would go white).
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


def process(upload):
    """{size: ContentFile} of square JPEGs for an uploaded file, or PhotoError."""
    image = open_checked(read_limited(upload))
    if image.format == "GIF":
        image.seek(0)  # an animation becomes its first frame
    if image.format == "JPEG":
        # Decode at the smallest scale that still covers the largest square: JPEG can
        # do this while reading every byte, so a 40-megapixel photo costs a fraction of
        # the memory and truncation is still noticed.
        image.draft("RGB", (max(SIZES) * 2, max(SIZES) * 2))
    try:
        image.load()
    except OSError:
        raise PhotoError(
            _("The image file is incomplete (it may have been cut off). Try again.")
        ) from None
    except Image.DecompressionBombError:
        raise PhotoError(_("This image is too large to process.")) from None
    image = to_rgb(ImageOps.exif_transpose(image))
    results = {}
    stem = secrets.token_urlsafe(16)
    for size in SIZES:
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        # No exif=, icc_profile= or comment: nothing of the original file is written.
        square.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
        results[size] = ContentFile(buffer.getvalue(), name=f"{stem}-{size}.jpg")
    return results
