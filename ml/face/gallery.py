"""Contact sheet of her face across expressions and ombre settings (ml/face/assets/gallery.png)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from ml.expression import Expression
from ml.face.renderer import FaceRenderer
from ml.face.style import HairStyle

TILE = 168  # tile side in pixels
LABEL = 16  # label strip height
NATURAL = HairStyle(ombre_height=1.0, ombre_length=0.0)  # dye starts below the hair: none

EYES_EN = {"작게": "small", "보통": "normal", "크게": "big", "아주 크게": "very big"}
MOUTH_EN = {"보통": "normal", "크게": "open", "아주 크게": "wide open"}
POSE_EN = {"없음": "frontal", "보통": "turned", "많이": "turned more"}


def gallery_cells(renderer: FaceRenderer) -> list[list[tuple[str, np.ndarray]]]:
    """Rows of (label, (256, 256, 3) image)."""
    d = HairStyle()
    face = renderer.render(Expression(), NATURAL)
    hair = renderer.masker.predict(face[None])[0]
    mask_view = (face * 0.35 + hair[..., None] * np.array([255, 80, 200]) * 0.65).astype(np.uint8)
    rows = [
        [("natural hair", face), ("student hair mask", mask_view)]
        + [(f"eyes {EYES_EN[e]}", renderer.render(Expression(eyes=e), d)) for e in EYES_EN],
        [(f"mouth {MOUTH_EN[m]}", renderer.render(Expression(mouth=m), d)) for m in MOUTH_EN]
        + [(f"pose {POSE_EN[p]}", renderer.render(Expression(pose=p), d)) for p in POSE_EN],
        [
            (f"hue {h:.2f}", renderer.render(Expression(), HairStyle(hue=h)))
            for h in (0.0, 0.08, 0.16, 0.45, 0.62, d.hue)
        ],
        [
            (f"start {s:.2f} len {ln:.2f}", renderer.render(Expression(), HairStyle(d.hue, s, ln)))
            for s, ln in (
                (0.0, 0.15),
                (0.15, 0.6),
                (d.ombre_height, d.ombre_length),
                (0.5, 0.3),
                (0.65, 0.0),
                (0.0, 1.0),
            )
        ],
        [
            (label, renderer.render(e, HairStyle(hue, d.ombre_height, d.ombre_length)))
            for label, e, hue in (
                ("happy, pink", Expression("크게", "아주 크게", "없음"), 0.92),
                ("surprised, teal", Expression("아주 크게", "아주 크게", "보통"), 0.5),
                ("calm, gold", Expression("작게", "보통", "없음"), 0.11),
                ("chatty, blue", Expression("보통", "크게", "보통"), 0.6),
                ("shy, rose", Expression("작게", "보통", "많이"), 0.97),
                ("excited, green", Expression("아주 크게", "크게", "많이"), 0.33),
            )
        ],
    ]
    return rows


def make_gallery(renderer: FaceRenderer, path: Path) -> None:
    rows = gallery_cells(renderer)
    cols = max(len(r) for r in rows)
    sheet = Image.new("RGB", (cols * TILE, len(rows) * (TILE + LABEL)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, row in enumerate(rows):
        for c, (label, image) in enumerate(row):
            x, y = c * TILE, r * (TILE + LABEL)
            sheet.paste(
                Image.fromarray(image).resize((TILE, TILE), Image.Resampling.LANCZOS),
                (x, y + LABEL),
            )
            draw.text((x + 3, y + 2), label, fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path, optimize=True)
