"""Results served as files, written straight into Gradio's cache, whole.

Gradio saves a returned PIL image into its cache in place, so concurrent identical results (every
visitor's first image is the same) could be served half-written. We write the PNG or GIF ourselves,
content-addressed in Gradio's own cache layout (`<cache>/<sha256>/<name>`), under a temporary name
renamed into place. Gradio then serves that file as is (no copy) and, having registered it as one of
the app's files, deletes it on the app's `delete_cache` schedule — nothing here prunes, so concurrent
callers can never remove each other's results before they are fetched.
"""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

from gradio.utils import get_upload_folder
from PIL import Image

from ..files import atomic_write
from ..images import gif_bytes


def export_file(data: bytes, stem: str, suffix: str) -> Path:
    """`data` as `<gradio cache>/<sha256 of data>/<stem><suffix>`, written atomically; the path."""
    folder = Path(get_upload_folder()) / hashlib.sha256(data).hexdigest()
    path = folder / f"{stem}{suffix}"
    if path.exists():
        try:
            os.utime(path)  # Gradio ages its files by ctime: a reused result starts a new life
            return path
        except OSError:
            pass  # deleted by Gradio's schedule meanwhile: write it again
    return atomic_write(path, data)


def png_file(image: Image.Image, stem: str = "image") -> Path:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return export_file(buf.getvalue(), stem, ".png")


def save_gif(frames: list[Image.Image], stem: str, duration_ms: int = 80) -> Path:
    """An animated GIF (forth and back) for download."""
    return export_file(gif_bytes(frames, duration_ms), stem, ".gif")
