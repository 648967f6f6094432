"""Results served as files: Gradio serves what a handler returns from its cache, and a file we
finished writing is the only way concurrent identical results are never served half-written."""
from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from pathlib import Path

from PIL import Image

from ..images import gif_bytes

EXPORT_DIR = Path(tempfile.gettempdir()) / "ganapp_exports"
MAX_EXPORTS = 256  # files of each kind (.png, .gif) kept in EXPORT_DIR; the oldest are deleted first


def export_file(data: bytes, stem: str, suffix: str) -> Path:
    """Write `data` under a content-addressed name, atomically (write, then rename), and prune.

    Gradio writes returned PIL images to its cache in place, so concurrent identical results
    (every visitor's first image is the same) can be served half-written; a finished file it
    copies instead is renamed into place whole.
    """
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = EXPORT_DIR / f"{stem}_{hashlib.sha1(data).hexdigest()[:16]}{suffix}"
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        for old in sorted(EXPORT_DIR.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime)[:-MAX_EXPORTS]:
            old.unlink(missing_ok=True)
    return path


def png_file(image: Image.Image, stem: str = "image") -> Path:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return export_file(buf.getvalue(), stem, ".png")


def save_gif(frames: list[Image.Image], stem: str, duration_ms: int = 80) -> Path:
    """An animated GIF (forth and back) for download."""
    return export_file(gif_bytes(frames, duration_ms), stem, ".gif")
