"""Pieces every tab shares: error translation, the seed control, status notes, image inputs."""
from __future__ import annotations

import functools
import random

import gradio as gr
from PIL import Image

import ganapp
from ganapp.checks import MAX_SEED, InvalidInput
from ganapp.images import BadImage

from .exports import png_file


def user_errors(fn):
    """Wrap a handler: PIL results become PNG files, our input errors short messages (gr.Error).

    Files, because Gradio writes returned PIL images into its cache in place, and identical
    results requested at once could be served half-written (see exports.export_file).
    Any other exception propagates: Gradio reports it as a plain "Error" without a traceback
    (show_error is off) and keeps serving everyone else.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            if isinstance(result, tuple):
                return tuple(_as_file(r) for r in result)
            return _as_file(result)
        except (InvalidInput, BadImage) as e:
            raise gr.Error(str(e), print_exception=False) from None
        except ganapp.WeightsUnavailable as e:
            raise gr.Error(f"This model is not available: {e}", print_exception=False) from None
    return wrapper


def _as_file(value):
    return str(png_file(value)) if isinstance(value, Image.Image) else value


def random_seed() -> int:
    return random.randint(0, 2**31 - 1)


def seed_control(prefix: str, value: int = 0) -> gr.Number:
    """A seed box and a 🎲 button that draws a new one (a private helper event)."""
    with gr.Row(equal_height=True):
        seed = gr.Number(value=value, label="Seed", precision=0, minimum=0, maximum=MAX_SEED, scale=4)
        dice = gr.Button("🎲 Random seed", scale=1, size="sm")
    dice.click(random_seed, outputs=seed, api_name=f"{prefix}_random_seed", api_visibility="private",
               show_progress="hidden")
    return seed


def availability_note(*names: str) -> None:
    """A plain message at the top of a tab when its weights cannot be found; nothing otherwise."""
    missing = []
    for name in names:
        try:
            ganapp.load(name)
        except ganapp.WeightsUnavailable as e:
            missing.append(str(e))
    if missing:
        gr.Markdown("⚠️ **This tab's model is not available**, so its buttons will only show an error. "
                    + " ".join(missing) + " See the README to train or download the weights.")


def how_it_works(text: str) -> None:
    with gr.Accordion("How it works", open=False):
        gr.Markdown(text)


class UploadImage(gr.Image):
    """gr.Image whose uploads fail with a clear message (not a bare "Error") when the file is
    not an image, is truncated, or decodes to too many pixels."""

    def get_block_name(self) -> str:
        return "image"  # the stock front end

    def preprocess(self, payload):
        try:
            value = super().preprocess(payload)
            if isinstance(value, Image.Image):
                value.load()
            return value
        except Image.DecompressionBombError:
            raise gr.Error("Image too large: please upload a smaller one.", print_exception=False) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise gr.Error("Not a readable image (PNG, JPEG, WebP, GIF, BMP or TIFF).", print_exception=False) from None
