"""The photo pipeline, with real images generated here."""

import io
import os

import pytest
from PIL import Image

from mentors.photos import MAX_BYTES, PhotoError, process


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    buffer.seek(0)
    return buffer


def result_images(upload):
    return {
        size: Image.open(io.BytesIO(content.read())) for size, content in process(upload).items()
    }


def test_a_photo_becomes_two_square_jpegs_under_unguessable_names():
    out = process(encoded(Image.new("RGB", (640, 480), "green"), "JPEG"))
    assert sorted(out) == [96, 400]
    names = [content.name for content in out.values()]
    assert all(name.endswith(f"-{size}.jpg") for name, size in zip(names, [96, 400], strict=True))
    assert len(names[0].rsplit("-", 1)[0]) >= 20
    for size, content in out.items():
        image = Image.open(io.BytesIO(content.read()))
        assert (image.format, image.size, image.mode) == ("JPEG", (size, size), "RGB")


def test_exif_orientation_is_applied_and_gps_stripped():
    image = Image.new("RGB", (400, 200), "red")
    image.paste((0, 0, 255), (200, 0, 400, 200))  # left red, right blue
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    exif[0x010F] = "CameraMaker"
    big = result_images(encoded(image, "JPEG", exif=exif))[400]
    top, bottom = big.getpixel((200, 60)), big.getpixel((200, 340))
    assert top[0] > 200 and top[2] < 60  # the left (red) half is now on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert dict(big.getexif()) == {}
    assert "exif" not in big.info and "icc_profile" not in big.info


def test_cmyk_is_converted_to_rgb():
    cmyk = Image.new("CMYK", (300, 300), (0, 255, 255, 0))  # pure red in CMYK
    small = result_images(encoded(cmyk, "JPEG"))[96]
    red, green, blue = small.getpixel((48, 48))
    assert red > 200 and green < 60 and blue < 60


def test_sixteen_bit_greyscale_is_scaled_not_clipped():
    grey = Image.new("I;16", (300, 300), 32768)
    pixel = result_images(encoded(grey, "PNG"))[96].getpixel((48, 48))
    assert all(120 <= channel <= 136 for channel in pixel)


def test_transparent_palette_png_goes_on_white():
    image = Image.new("P", (200, 200), 0)
    image.putpalette([0, 0, 0] * 256)
    buffer = encoded(image, "PNG", transparency=0)
    assert result_images(buffer)[96].getpixel((10, 10)) == (255, 255, 255)


def test_animated_gif_becomes_its_first_frame():
    frames = [Image.new("RGB", (100, 100), colour) for colour in ("yellow", "purple")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    buffer.seek(0)
    red, green, blue = result_images(buffer)[96].getpixel((48, 48))
    assert red > 200 and green > 200 and blue < 60


def test_webp_is_accepted():
    assert sorted(process(encoded(Image.new("RGB", (120, 90), "blue"), "WEBP"))) == [96, 400]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "not a JPEG, PNG, WebP or GIF",
        ),
        (b"<html><body><script>alert(1)</script></body></html>", "not a JPEG, PNG, WebP or GIF"),
        (b"", "empty"),
        (b"\xff\xd8\xff" + os.urandom(MAX_BYTES), "larger than 5 MB"),
    ],
)
def test_what_is_not_a_photo_is_refused(payload, message):
    with pytest.raises(PhotoError, match=message):
        process(io.BytesIO(payload))


def test_a_bitmap_image_is_refused_even_if_pillow_can_read_it():
    with pytest.raises(PhotoError, match="not a JPEG, PNG, WebP or GIF"):
        process(encoded(Image.new("RGB", (50, 50)), "BMP"))


def test_decompression_bomb_is_refused_before_decoding():
    # 10,000 × 5,000 of one colour: a tiny file that would decode to 150 MB.
    bomb = encoded(Image.new("L", (10_000, 5_000)), "PNG")
    assert len(bomb.getvalue()) < 200_000
    with pytest.raises(PhotoError, match="50 megapixels; the most we take is 40"):
        process(bomb)


def test_truncated_file_is_refused():
    whole = encoded(Image.effect_noise((800, 800), 64).convert("RGB"), "JPEG").getvalue()
    with pytest.raises(PhotoError, match="incomplete"):
        process(io.BytesIO(whole[: len(whole) // 2]))
