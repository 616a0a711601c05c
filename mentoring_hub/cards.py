"""Share images (Open Graph / Twitter cards): 1200x630 PNGs drawn with Pillow from an
object's own data, kept in the shared cache under a key that includes the object's
version, so a change draws a new one and an old one is never served."""

import hashlib
import io
import textwrap

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
BACKGROUND = (22, 50, 92)  # the site's navy
ACCENT = (244, 180, 0)
TEXT = (255, 255, 255)
TIMEOUT = 7 * 24 * 3600


def draw(title, lines=(), kicker=""):
    """PNG bytes: a kicker line, the title wrapped to three lines, then detail lines."""
    image = Image.new("RGB", SIZE, BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle([(0, 0), (24, SIZE[1])], fill=ACCENT)
    small = ImageFont.load_default(size=34)
    large = ImageFont.load_default(size=68)
    y = 70
    if kicker:
        pen.text((80, y), kicker.upper(), font=small, fill=ACCENT)
        y += 70
    wrapped = textwrap.wrap(title, width=28)[:3]
    if len(textwrap.wrap(title, width=28)) > 3:
        wrapped[-1] = wrapped[-1][:25] + "…"
    for line in wrapped:
        pen.text((80, y), line, font=large, fill=TEXT)
        y += 84
    y += 20
    for line in lines[:3]:
        pen.text((80, y), textwrap.shorten(line, width=60, placeholder="…"), font=small, fill=TEXT)
        y += 48
    pen.text((80, SIZE[1] - 80), settings.SITE_NAME, font=small, fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    image.close()
    return out.getvalue()


def response(key, version, build):
    """The cached card for `key` at `version`, drawn by `build()` when missing."""
    digest = hashlib.sha256(f"{key}:{version}".encode()).hexdigest()[:32]
    cache_key = f"card:{digest}"
    png = cache.get(cache_key)
    if png is None:
        png = build()
        cache.set(cache_key, png, TIMEOUT)
    result = HttpResponse(png, content_type="image/png")
    result["Cache-Control"] = "public, max-age=3600"
    return result
