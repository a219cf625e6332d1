"""Face-test fixtures and the `slow` marker (the lead owns tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from face_fixtures import write_tiny_face

from ml.face.renderer import FaceConfig


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: uses the real DCGAN weights and committed assets")


@pytest.fixture
def tiny_face(tmp_path: Path) -> FaceConfig:
    """A tiny random StyleGAN2 face stack written to tmp_path."""
    config: FaceConfig = write_tiny_face(tmp_path)
    return config
