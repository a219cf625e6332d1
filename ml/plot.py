"""A dependency-free line chart (PIL) for training curves."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw


def save_curve(
    path: Path, series: dict[str, Sequence[float]], title: str, size: tuple[int, int] = (640, 360)
) -> None:
    """Plot each named series against its index; y-range from the data, a light grid."""
    width, height = size
    margin = 48
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    values = [v for ys in series.values() for v in ys]
    if not values:
        image.save(path)
        return
    lo, hi = min(values), max(values)
    hi = hi if hi > lo else lo + 1.0
    longest = max(len(ys) for ys in series.values())
    for i in range(5):
        y = margin + i * (height - 2 * margin) / 4
        draw.line([(margin, y), (width - margin, y)], fill=(230, 230, 230))
        draw.text((4, y - 6), f"{hi - i * (hi - lo) / 4:.2f}", fill="black")
    colours = [(66, 103, 210), (220, 90, 60), (60, 160, 90)]
    for k, (name, ys) in enumerate(series.items()):
        if len(ys) < 1:
            continue
        step = (width - 2 * margin) / max(longest - 1, 1)
        points = [
            (margin + i * step, height - margin - (v - lo) / (hi - lo) * (height - 2 * margin))
            for i, v in enumerate(ys)
        ]
        colour = colours[k % len(colours)]
        if len(points) > 1:
            draw.line(points, fill=colour, width=2)
        draw.text((width - margin - 120, margin + 14 * k), name, fill=colour)
    draw.text((margin, 12), title, fill="black")
    image.save(path)
