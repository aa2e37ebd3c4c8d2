"""Synthetic inventory photos with a known fill level and label: bags, jars and boxes on varied backgrounds."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSans.ttf")
CONTENTS = {"flour": (246, 243, 234), "sugar": (252, 252, 250), "brown sugar": (150, 100, 55),
            "chocolate chips": (70, 40, 25), "oats": (205, 180, 135), "cocoa": (95, 60, 45), "rice": (240, 238, 228)}
BACKGROUNDS = ((90, 120, 160), (60, 60, 60), (180, 150, 110), (40, 90, 60), (200, 200, 205), (120, 40, 40))


@dataclass(frozen=True, slots=True)
class InventoryPhoto:
    data: bytes
    item: str
    level: int  # percent full
    kind: str


def _text_fits(draw: ImageDraw.ImageDraw, text: str, width: int, font_name: str) -> ImageFont.FreeTypeFont:
    size = 44
    while size > 14:
        font = ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{font_name}", size)
        if draw.textlength(text, font=font) <= width:
            return font
        size -= 2
    return ImageFont.truetype(f"/usr/share/fonts/truetype/dejavu/{font_name}", size)


def inventory_photo(seed: int, *, labelled: bool = True, noisy: bool | None = None) -> InventoryPhoto:
    rng = random.Random(seed)
    item = rng.choice(sorted(CONTENTS))
    level = rng.choice(range(10, 95, 5))
    kind = rng.choice(("bag", "jar", "box"))
    background = rng.choice(BACKGROUNDS)
    content = CONTENTS[item]
    width, height = rng.choice(((480, 640), (600, 800), (720, 960)))
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    cw, ch = int(width * rng.uniform(0.4, 0.6)), int(height * rng.uniform(0.6, 0.75))
    x0, y0 = (width - cw) // 2 + rng.randint(-20, 20), (height - ch) // 2 + rng.randint(-20, 30)
    x1, y1 = x0 + cw, y0 + ch
    if kind == "jar":
        empty = tuple(min(255, c + 25) for c in background)  # glass: the background, a little lighter
        draw.rectangle((x0 + 10, y0 - 30, x1 - 10, y0), fill=(30, 30, 30))  # the lid
    else:
        empty = rng.choice(((200, 170, 120), (230, 225, 210), (180, 60, 50), (60, 90, 150)))
    # the empty part must look different from the contents, as it does in a real photo
    if sum(abs(a - b) for a, b in zip(empty, content, strict=True)) < 90:
        empty = (120, 140, 170) if sum(content) > 450 else (225, 215, 190)
    draw.rectangle((x0, y0, x1, y1), fill=empty, outline=(35, 35, 35), width=4)
    fill_top = y1 - int((y1 - y0) * level / 100)
    draw.rectangle((x0 + 4, fill_top, x1 - 4, y1 - 4), fill=content)
    if labelled:
        word = item.upper()
        font = _text_fits(draw, word, cw - 30, rng.choice(FONTS))
        ink = (20, 20, 20) if sum(empty) > 450 else (250, 250, 250)
        label_y = y0 + int(ch * rng.uniform(0.05, 0.15))
        if rng.random() < 0.5:  # a printed paper label
            box = draw.textbbox((x0 + 15, label_y), word, font=font)
            draw.rectangle((box[0] - 6, box[1] - 6, box[2] + 6, box[3] + 6), fill=(250, 248, 240))
            ink = (160, 20, 20)
        draw.text((x0 + 15, label_y), word, fill=ink, font=font)
    noisy = rng.random() < 0.5 if noisy is None else noisy
    if noisy:
        image = image.filter(ImageFilter.GaussianBlur(rng.choice((0.6, 1.0))))
        pixels = image.load()
        assert pixels is not None
        for _ in range(width * height // 40):
            x, y = rng.randrange(width), rng.randrange(height)
            r, g, b = pixels[x, y]  # type: ignore[misc]
            jitter = rng.randint(-25, 25)
            pixels[x, y] = (max(0, min(255, r + jitter)), max(0, min(255, g + jitter)), max(0, min(255, b + jitter)))
        image = image.rotate(rng.uniform(-4, 4), resample=Image.Resampling.BICUBIC, fillcolor=background)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.choice((70, 85, 92)))
    return InventoryPhoto(out.getvalue(), item, level, kind)
