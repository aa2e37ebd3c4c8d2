"""Draws the app icons (static/icons/*.png) from the logo's shapes (src/lib/components/Logo.svelte).

Run from hosting/: ../.venv/bin/python scripts/icons.py  (Pillow; the PNGs are committed, so the
build needs neither Python nor the network). Drawn at 4x and downsampled for smooth edges.
"""
from pathlib import Path

from PIL import Image, ImageDraw

BROWN = (122, 62, 18, 255)
CRUST = (246, 217, 168, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw(size: int, *, maskable: bool, rounded: bool) -> Image.Image:
    s = size * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rounded:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s * 14 // 64, fill=BROWN)
    else:
        d.rectangle((0, 0, s, s), fill=BROWN)
    # The loaf, in the logo's 64-unit grid; a maskable icon keeps it inside the 80 % safe zone.
    scale = s / 64 * (0.72 if maskable else 1.0)
    off = (s - 64 * scale) / 2
    p = lambda x, y: (off + x * scale, off + y * scale)  # noqa: E731
    # dome: a half ellipse from (14,40) over (32,20) to (50,40), then a base down to y=44
    d.pieslice((*p(14, 20), *p(50, 60)), 180, 360, fill=CRUST)
    d.rectangle((*p(14, 40), *p(50, 44)), fill=CRUST)
    w = max(1, round(3 * scale))
    for x0, top, bottom in ((22, 30, 40), (32, 27, 40), (42, 30, 40)):
        # the logo's "c2 3 2 7 0 10": a shallow arc bulging to the right
        d.arc((*p(x0 - 6, top), *p(x0 + 1.5, bottom)), -62, 62, fill=BROWN, width=w)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False, rounded=True).save(OUT / "icon-192.png", optimize=True)
    draw(512, maskable=False, rounded=True).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True, rounded=False).save(OUT / "maskable-512.png", optimize=True)
    # iOS draws its own rounded corners and shows transparency as black: a full square.
    draw(180, maskable=False, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
