"""Her facial expression for one reply, on the reference system's ordinal scales."""

from __future__ import annotations

from dataclasses import dataclass

EYES_LEVELS = ("작게", "보통", "크게", "아주 크게")  # eye openness, small → very wide
MOUTH_LEVELS = ("보통", "크게", "아주 크게")  # mouth openness, closed-ish → wide open
POSE_LEVELS = ("없음", "보통", "많이")  # head yaw, frontal → strongly turned


@dataclass(frozen=True)
class Expression:
    """One face expression; every field is one of its *_LEVELS strings."""

    eyes: str = "보통"
    mouth: str = "보통"
    pose: str = "없음"

    def __post_init__(self) -> None:
        if self.eyes not in EYES_LEVELS:
            raise ValueError(f"eyes must be one of {EYES_LEVELS}, got {self.eyes!r}")
        if self.mouth not in MOUTH_LEVELS:
            raise ValueError(f"mouth must be one of {MOUTH_LEVELS}, got {self.mouth!r}")
        if self.pose not in POSE_LEVELS:
            raise ValueError(f"pose must be one of {POSE_LEVELS}, got {self.pose!r}")

    def as_scores(self) -> tuple[float, float, float]:
        """Commanded (eyes, mouth, pose) in [0, 1], evenly spaced over each scale."""
        return (
            EYES_LEVELS.index(self.eyes) / (len(EYES_LEVELS) - 1),
            MOUTH_LEVELS.index(self.mouth) / (len(MOUTH_LEVELS) - 1),
            POSE_LEVELS.index(self.pose) / (len(POSE_LEVELS) - 1),
        )
