"""Her hair style as the user chose it: an ombre's hue, where it starts and how long it fades in."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class HairStyle:
    """Ombre settings; validated on construction.

    hue: colour of the dyed ends on the HSV wheel, [0, 1] (1.0 is the same red as 0.0).
    ombre_height: where the dye begins, as a fraction of the hair's height from its top, [0, 1].
    ombre_length: over what fraction of the hair's height it fades in to full colour, [0, 1]
        (0 = a hard line).
    """

    hue: float = 0.78  # violet, an aurora colour that reads on dark and light hair alike
    ombre_height: float = 0.35  # the top third stays natural
    ombre_length: float = 0.4  # soft fade, full colour over the lower quarter

    def __post_init__(self) -> None:
        for name in ("hue", "ombre_height", "ombre_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if not math.isfinite(value) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value!r}")
