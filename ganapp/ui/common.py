"""Pieces every tab shares: error translation, the seed control, status notes, image inputs."""
from __future__ import annotations

import functools
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr
from gradio import image_utils
from PIL import Image

import ganapp
from ganapp import hub
from ganapp.checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ganapp.images import NOT_READABLE, BadImage, check_image_file
from ganapp.registry import spec

from .exports import png_file
from .i18n import t, translatable

log = logging.getLogger("ganapp")
GPU_SECONDS = 15   # a ZeroGPU allocation for one MNIST handler; heavier ones ask for more


def on_gpu(fn, seconds: int):
    """On a Hugging Face ZeroGPU Space (the `spaces` package is there), run `fn` with a GPU for at
    most `seconds`; anywhere else, `fn` unchanged."""
    try:
        import spaces
    except ImportError:
        return fn
    return spaces.GPU(duration=seconds)(fn)


def user_errors(fn=None, *, gpu_seconds: int = GPU_SECONDS, model_pool: bool = True):
    """Wrap a handler: PIL results become PNG files, our input errors short messages (gr.Error),
    and on a ZeroGPU Space the model work runs on a GPU (`@user_errors(gpu_seconds=60)` for long ones).

    Files, because Gradio writes returned PIL images into its cache in place, and identical
    results requested at once could be served half-written (see exports.export_file).
    Any other exception propagates: Gradio reports it as a plain "Error" without a traceback
    (show_error is off) and keeps serving everyone else.
    `model_pool=False` keeps the handler out of the app's shared pool of model workers (see app.py).
    """
    if fn is None:
        return functools.partial(user_errors, gpu_seconds=gpu_seconds, model_pool=model_pool)
    run = on_gpu(fn, gpu_seconds) if gpu_seconds else fn  # 0: stays in this process, on its CPU

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = run(*args, **kwargs)
            if isinstance(result, tuple):
                return tuple(_as_file(r) for r in result)
            return _as_file(result)
        except (InvalidInput, BadImage) as e:
            log.info("%s refused an input: %s", fn.__name__, e)  # routine: one line, no traceback
            raise gr.Error(str(e), print_exception=False) from None
        except ganapp.WeightsUnavailable as e:
            raise gr.Error(f"This model is not available: {e}", print_exception=False) from None
    wrapper.runs_models = model_pool  # app.py gives these handlers one shared pool of workers (not live training:
    return wrapper                    # it has its own slots, and would hold a worker for minutes)


def _as_file(value):
    return str(png_file(value)) if isinstance(value, Image.Image) else value


def random_seed() -> int:
    return random.randint(0, 2**31 - 1)


def commit_seed(typed, current) -> tuple[int, int]:
    """The seed to use, shown in the box and committed: what was typed when it is a whole number in
    range (the box rounds 1.5 to 2, and shows it), else the seed in use — never an error."""
    try:
        seed = check_int("seed", typed, 0, MAX_SEED)
    except InvalidInput:
        seed = int(current)
    return seed, seed


def new_seed() -> tuple[int, int]:
    seed = random_seed()
    return seed, seed


@dataclass(frozen=True)
class LinkParam:
    """One input of a tab as a URL query parameter: the component it sets, and how a raw string
    becomes a valid value (raising InvalidInput otherwise)."""
    component: gr.components.Component
    parse: Callable[[str], object]
    also: tuple = ()   # components that show the same value (the seed box beside the committed seed)


def int_param(component, lo: int, hi: int, name: str) -> LinkParam:
    return LinkParam(component, lambda raw: check_int(name, raw, lo, hi), getattr(component, "link_also", ()))


def float_param(component, lo: float, hi: float, name: str) -> LinkParam:
    return LinkParam(component, lambda raw: check_float(name, raw, lo, hi))


def choice_param(component, choices, name: str) -> LinkParam:
    return LinkParam(component, lambda raw: check_choice(name, raw, tuple(choices)))


def share_link(tab: str, params: dict[str, LinkParam]) -> dict[str, LinkParam]:
    """A "Copy link" button: the page's address with this tab's inputs as its query
    (`?tab=cgan&digit=7&count=16&seed=42`), copied to the clipboard. Opening it (see app.py)
    selects the tab and sets the inputs. Returns `params`, for the app to apply."""
    button = gr.Button(t("common.copy_link"), size="sm", elem_classes="copy-link")
    names = json.dumps(list(params))
    js = f"""(...values) => {{
        const query = new URLSearchParams({{tab: {json.dumps(tab)}}});
        {names}.forEach((name, i) => {{
            const v = values[i];  // a gallery image is named by its file name, without the extension
            query.set(name, v && typeof v === "object" ? (v.orig_name || "").replace(/\.[^.]+$/, "") : v);
        }});
        const url = window.location.origin + window.location.pathname + "?" + query.toString();
        navigator.clipboard?.writeText(url);
        window.history.replaceState(null, "", url);
        return [];
    }}"""
    button.click(None, inputs=[p.component for p in params.values()], js=js, api_visibility="private")
    return params


def seed_control(prefix: str, value: int = 0, label: str | None = None) -> gr.Number:
    """A seed box and a 🎲 button that draws a new one. Returns the *committed* seed, a hidden
    number that changes only when a whole seed is entered (Enter, or leaving the box) or drawn:
    tabs use it as their seed input and its `.change` as a trigger. Typing never fires an event,
    so half-typed or cleared boxes raise no error, and the box always shows the seed in use."""
    with gr.Row(equal_height=True):
        box = gr.Number(value=value, label=label or t("common.seed"), precision=0, scale=4, elem_classes="seed-box",
                        info=t("common.seed_info"))
        dice = gr.Button(t("common.new_samples"), scale=1, size="sm")
    committed = gr.Number(value=value, visible=False, precision=0)
    gr.on([box.submit, box.blur], commit_seed, inputs=[box, committed], outputs=[box, committed],
          api_name=f"{prefix}_commit_seed", api_visibility="private", show_progress="hidden")
    dice.click(new_seed, outputs=[box, committed], api_name=f"{prefix}_random_seed", api_visibility="private",
               show_progress="hidden")
    committed.link_also = (box,)  # a link that sets the seed shows it in the box too
    return committed


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


def quality_note(name: str) -> None:
    """The model's measured quality in one line (from quality.json, written by `python -m ganapp.reports`
    from the evaluation's metrics), plainly marked when below target, with a link to its card. In Chinese
    for Chinese browsers where the family writes a Chinese line (the shortfalls stay in English)."""
    try:
        judged = hub.quality(name)
    except ganapp.WeightsUnavailable:
        return
    if not judged:
        return
    card = f"https://huggingface.co/{spec(name).repo_id}"
    below = "; ".join(judged["below_target"])
    text = {"en": f"📏 **Measured:** {judged['line']} ([model card]({card}))"
                  + (f"  \n⚠️ **Below target:** {below}." if below else "")}
    if "line_zh" in judged:
        text["zh-CN"] = (f"📏 **实测**：{judged['line_zh']}（[模型卡]({card})）"
                         + (f"  \n⚠️ **未达目标**：{below}。" if below else ""))
    gr.Markdown(translatable(f"quality.{name}", text), elem_classes="quality-note")


def how_it_works(text: str) -> None:
    with gr.Accordion(t("common.how_it_works"), open=False):
        gr.Markdown(text)


def _checked(paths) -> None:
    """Gradio's error for the first uploaded file that is unreadable or too large (header only)."""
    for path in paths:
        if path:
            try:
                check_image_file(path)
            except BadImage as e:
                raise gr.Error(str(e), print_exception=False) from None


class UploadImage(gr.Image):
    """gr.Image whose uploads are bounded before anything is decoded: too many pixels, a file that
    is not an image or a truncated one get the same short message as everywhere else. It hands
    the handler the file path (no conversion here: `images.open_user_image` does it, bounded)."""

    def get_block_name(self) -> str:
        return "image"  # the stock front end

    def preprocess(self, payload):
        if payload is None:
            return None
        _checked([payload.path])
        try:  # Gradio's own preprocessing, minus the colour conversion that would decode the whole file
            return image_utils.preprocess_image(payload, cache_dir=self.GRADIO_CACHE, format=self.format,
                                                image_mode=None, type=self.type)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise gr.Error(NOT_READABLE, print_exception=False) from None


class DrawingEditor(gr.ImageEditor):
    """gr.ImageEditor whose uploaded background and layers are bounded before Gradio decodes them."""

    def get_block_name(self) -> str:
        return "imageeditor"  # the stock front end

    def preprocess(self, payload):
        if payload is not None:
            files = [payload.background, payload.composite, *(payload.layers or [])]
            _checked([getattr(f, "path", None) for f in files])
        try:
            return super().preprocess(payload)
        except (OSError, SyntaxError, ValueError, EOFError):
            raise gr.Error(NOT_READABLE, print_exception=False) from None
