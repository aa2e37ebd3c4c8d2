"""Opening a photo's bytes for the offline readers, with the limits both readers share."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000


def open_photo(data: bytes, error: type[ValueError], *, min_side: int) -> Image.Image:
    """The decoded picture, or `error` with a short message the baker can act on."""
    if not data:
        raise error("the file is empty")
    if len(data) > MAX_BYTES:
        raise error(f"the picture is too large ({len(data) // 1_000_000} MB; at most 25 MB)")
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise error("the picture has too many pixels")
        image.load()
    except error:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise error("the file is not a picture that can be read (use JPEG or PNG)") from exc
    if image.width < min_side or image.height < min_side:
        raise error("the picture is too small to read")
    return image
