"""Picture inputs made safe: uploads and drawings are bounded before anything is decoded."""
from __future__ import annotations

import gradio as gr
from gradio import image_utils

from ganapp.images import BadImage, check_image_file

from .i18n import t


def _unusable(path) -> bool:
    """True for an uploaded file that is unreadable or too large (read from its header only)."""
    try:
        check_image_file(path)
    except BadImage:
        return True
    return False


class UploadImage(gr.Image):
    """gr.Image whose uploads are bounded before anything is decoded. It hands the handler the file path
    (no conversion here: `images.open_user_image` does it, bounded); a file that is not an image, too large
    or truncated goes to the handler untouched, whose bounded open refuses it with a short message in the
    visitor's language (this component does not know the visitor's language)."""

    def get_block_name(self) -> str:
        return "image"  # the stock front end

    def preprocess(self, payload):
        if payload is None or payload.path is None or _unusable(payload.path):
            return None if payload is None else payload.path
        try:  # Gradio's own preprocessing, minus the colour conversion that would decode the whole file
            return image_utils.preprocess_image(payload, cache_dir=self.GRADIO_CACHE, format=self.format,
                                                image_mode=None, type=self.type)
        except (OSError, SyntaxError, ValueError, EOFError):
            return payload.path


def drawing_note() -> None:
    """Under drawing editors: "not a picture", hidden until the page's script shows it (static/page.js)."""
    gr.Markdown(t("common.not_a_picture"), elem_classes="drawing-note")


class DrawingEditor(gr.ImageEditor):
    """gr.ImageEditor whose uploaded background and layers are bounded before Gradio decodes them. When one
    is unusable, the handler gets {"composite": <that file's path>} and its bounded open refuses it, in the
    visitor's language, as for UploadImage."""

    def get_block_name(self) -> str:
        return "imageeditor"  # the stock front end

    def preprocess(self, payload):
        if payload is None:
            return None
        paths = [f.path for f in (payload.background, payload.composite, *(payload.layers or []))
                 if getattr(f, "path", None)]
        bad = [path for path in paths if _unusable(path)]
        if bad:
            return {"background": None, "layers": [], "composite": bad[0]}
        try:
            return super().preprocess(payload)
        except (OSError, SyntaxError, ValueError, EOFError):
            return {"background": None, "layers": [], "composite": paths[0] if paths else None}
