"""Her face: generator → expression offsets → hair segmentation → ombre → PNG.

The serving path (`FaceRenderer`) needs torch, numpy and pillow only; mediapipe is confined to the
offline tools (`landmarks_tool.py`, run inside `.venv-tools` through `tools_venv.py`).
"""
