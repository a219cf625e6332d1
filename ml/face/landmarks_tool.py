"""Offline mediapipe runner — executed ONLY inside `.venv-tools` (numpy<2, mediapipe 0.10.14).

File protocol (one request, one response, both uncompressed .npz):

request  `images`   uint8   (N, H, W, 3)  RGB renders
         `tasks`    str     (K,)          any of "landmarks", "person"
response `found`      bool    (N,)          face mesh found a face
         `landmarks`  float32 (N, 468, 3)   face-mesh points, x/y in [0, 1] of width/height,
                                            z in the same scale as x; NaN where not found
         `person`     float32 (N, H, W)     selfie-segmentation person probability (if asked)
         `ms_landmarks`, `ms_person` float64 (N,) per-image model time in milliseconds

Progress goes to stderr as lines `progress <done> <total>`; the caller turns them into a bar.
Usage: python landmarks_tool.py REQUEST.npz RESPONSE.npz
This file imports nothing from the project so that it runs in the tools venv alone.
"""

from __future__ import annotations

import sys
import time

import numpy as np

N_LANDMARKS = 468


def run(request_path: str, response_path: str) -> None:
    from mediapipe.python.solutions import face_mesh, selfie_segmentation

    with np.load(request_path) as req:
        images = req["images"]
        tasks = {str(t) for t in req["tasks"]}
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise SystemExit(f"images must be uint8 (N, H, W, 3), got {images.dtype} {images.shape}")
    n, h, w, _ = images.shape
    landmarks = np.full((n, N_LANDMARKS, 3), np.nan, np.float32)
    found = np.zeros(n, bool)
    person = np.zeros((n, h, w), np.float32) if "person" in tasks else None
    ms_lm = np.zeros(n)
    ms_person = np.zeros(n)
    mesh = face_mesh.FaceMesh(
        static_image_mode=True,
        max_num_faces=1,
        refine_landmarks=False,
        min_detection_confidence=0.5,
    )
    selfie = selfie_segmentation.SelfieSegmentation(model_selection=0)
    step = max(1, n // 100)
    for i in range(n):
        image = np.ascontiguousarray(images[i])
        if "landmarks" in tasks:
            t0 = time.perf_counter()
            result = mesh.process(image)
            ms_lm[i] = (time.perf_counter() - t0) * 1000
            if result.multi_face_landmarks:
                pts = result.multi_face_landmarks[0].landmark
                landmarks[i] = [(p.x, p.y, p.z) for p in pts[:N_LANDMARKS]]
                found[i] = True
        if person is not None:
            t0 = time.perf_counter()
            person[i] = selfie.process(image).segmentation_mask
            ms_person[i] = (time.perf_counter() - t0) * 1000
        if (i + 1) % step == 0 or i + 1 == n:
            sys.stderr.write(f"progress {i + 1} {n}\n")
            sys.stderr.flush()
    arrays = {"found": found, "landmarks": landmarks, "ms_landmarks": ms_lm, "ms_person": ms_person}
    if person is not None:
        arrays["person"] = person
    np.savez(response_path, **arrays)  # type: ignore[arg-type]  # numpy<2 stubs differ


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: python landmarks_tool.py REQUEST.npz RESPONSE.npz")
    run(sys.argv[1], sys.argv[2])
