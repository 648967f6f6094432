"""Pieces every tab shares: error translation, the seed control, status notes, image inputs."""
from __future__ import annotations

import functools
import html
import inspect
import json
import logging
import random
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
from gradio import image_utils
from PIL import Image

import ganapp
from ganapp import hub
from ganapp.checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ganapp.images import BadImage, check_image_file
from ganapp.messages import LANGUAGE, LANGUAGES, Text, render
from ganapp.registry import spec

from .exports import png_file
from .i18n import language, t, translatable

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


def in_visitor_language(fn):
    """Wrap a handler so that it answers in the visitor's language. Gradio passes it the request (an extra
    `request: gr.Request` parameter, which API clients never see); `Text` results (and `gr.update(value=Text)`)
    are rendered in the language the visitor's page shows, `InvalidInput` becomes a short gr.Error in that
    language, logged as one line, and `messages.LANGUAGE` holds the language while the handler runs."""
    signature = inspect.signature(fn)
    arity = len(signature.parameters)
    try:
        hints = typing.get_type_hints(fn)
    except (NameError, TypeError):
        hints = {}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        request = args[arity] if len(args) > arity else kwargs.pop("request", None)
        lang = language(request)
        token = LANGUAGE.set(lang)
        try:
            return _rendered(fn(*args[:arity], **kwargs), lang)
        except InvalidInput as e:
            log.info("%s refused an input: %s", fn.__name__, e)  # routine: one line, no traceback
            safe = {k: html.escape(v) if isinstance(v, str) else v for k, v in e.text.params.items()}  # shown as HTML
            raise gr.Error(render(e.text.key, lang, **safe), print_exception=False) from None
        finally:
            LANGUAGE.reset(token)

    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)
    wrapper.__signature__ = signature.replace(parameters=[*signature.parameters.values(), request])
    wrapper.__annotations__ = {**hints, "request": gr.Request}  # how Gradio finds where the request goes
    return wrapper


def _rendered(value, lang: str):
    if isinstance(value, Text):
        return value.render(lang)
    if isinstance(value, tuple):
        return tuple(_rendered(v, lang) for v in value)
    if isinstance(value, dict) and isinstance(value.get("value"), Text):  # gr.update(value=say(...), ...)
        return {**value, "value": value["value"].render(lang)}
    return value


POOL = "pool"            # runs a model in the app's shared pool of model workers (app.py sizes it to the cores)
TRAINING = "training"    # trains a live GAN under the trainer's own slots (gantrain.inference.SLOTS): minutes of
                         # work that would otherwise hold a pool worker, bounded by GANAPP_TRAIN_SLOTS instead
MODEL_USES = (POOL, TRAINING, None)   # None: runs no model


def handler(fn=None, *, models: str | None, gpu_seconds: int | None = None):
    """The one declaration every event handler of the app carries: what model work it does (`models`, one of
    MODEL_USES), so that app.py can put every model handler in the shared pool (a test checks that every event
    declares it). The handler answers in the visitor's language (`in_visitor_language`: our input errors become
    short messages), PIL results become PNG files, and on a ZeroGPU Space pool handlers run on a GPU for at most
    `gpu_seconds` (default GPU_SECONDS; `gpu_seconds=60` for long ones).

    Files, because Gradio writes returned PIL images into its cache in place, and identical
    results requested at once could be served half-written (see exports.export_file).
    Any other exception propagates: Gradio reports it as a plain "Error" without a traceback
    (show_error is off) and keeps serving everyone else.
    Training handlers stay on the server's CPU and its slots even on a ZeroGPU Space: a GPU worker process
    would train a copy of the run and hold a copy of the slots.
    """
    if models not in MODEL_USES:
        raise ValueError(f"models must be one of {MODEL_USES}, not {models!r}")
    if fn is None:
        return functools.partial(handler, models=models, gpu_seconds=gpu_seconds)
    seconds = (GPU_SECONDS if gpu_seconds is None else gpu_seconds) if models == POOL else 0
    run = on_gpu(fn, seconds) if seconds else fn  # 0: stays in this process, on its CPU

    @functools.wraps(fn)
    def answer(*args, **kwargs):
        try:
            return _as_files(run(*args, **kwargs))
        except ganapp.WeightsUnavailable as e:
            raise InvalidInput("model.unavailable", reason=str(e)) from None

    wrapper = in_visitor_language(answer)
    wrapper.models = models
    return wrapper


def runs_no_model(fn):
    """The declaration alone, for a handler that runs no model and takes the request itself (`handler` adds it)."""
    fn.models = None
    return fn


@handler(models=None)
def same(value):
    """The value unchanged: a chained event showing one output in a second place (a GIF offered for download)."""
    return value


@handler(models=None)
def nothing():
    """No value: an event that clears an output, or only triggers what is chained after it."""
    return None


def _as_files(result):
    if isinstance(result, tuple):
        return tuple(_as_files(r) for r in result)
    return str(png_file(result)) if isinstance(result, Image.Image) else result


def random_seed() -> int:
    return random.randint(0, 2**31 - 1)


@handler(models=None)
def commit_seed(typed, current) -> tuple[int, int]:
    """The seed to use, shown in the box and committed: what was typed when it is a whole number in
    range (the box rounds 1.5 to 2, and shows it), else the seed in use — never an error."""
    try:
        seed = check_int("seed", typed, 0, MAX_SEED)
    except InvalidInput:
        seed = int(current)
    return seed, seed


@handler(models=None)
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
    button = gr.Button(t("common.copy_link"), size="sm", elem_classes="copy-link", icon=ICONS / "link.svg",
                       elem_id=f"{tab}-copy-link")
    copied = {lang: render("common.link_copied", lang) for lang in LANGUAGES}
    # The names and texts reach static/page.js's ganappCopyLink as data (JSON), never spliced into its code.
    js = f"(...values) => ganappCopyLink({json.dumps(tab)}, {json.dumps(list(params))}, values, {json.dumps(copied)})"
    button.click(None, inputs=[p.component for p in params.values()], js=js, api_visibility="private")
    return params


def seed_control(prefix: str, value: int = 0, label=None, button=None) -> gr.Number:
    """A seed box and a dice button that draws a new one. Returns the *committed* seed, a hidden
    number that changes only when a whole seed is entered (Enter, or leaving the box) or drawn:
    tabs use it as their seed input and its `.change` as a trigger. Typing never fires an event,
    so half-typed or cleared boxes raise no error, and the box always shows the seed in use."""
    with gr.Row(equal_height=True):
        box = gr.Number(value=value, label=label or t("common.seed"), precision=0, scale=4, elem_classes="seed-box",
                        info=t("common.seed_info"))
        dice = gr.Button(button or t("common.new_samples"), scale=1, size="sm", icon=ICONS / "dice.svg")
    committed = gr.Number(value=value, visible=False, precision=0, label=t("common.seed"))
    committed.api_range = (0, MAX_SEED)  # what the API page says it accepts (ui/api_docs.py); checks.check_int checks
    gr.on([box.submit, box.blur], commit_seed, inputs=[box, committed], outputs=[box, committed],
          api_name=f"{prefix}_commit_seed", api_visibility="private", show_progress="hidden")
    dice.click(new_seed, outputs=[box, committed], api_name=f"{prefix}_random_seed", api_visibility="private",
               show_progress="hidden")
    committed.link_also = (box,)  # a link that sets the seed shows it in the box too
    return committed


def availability_note(*names: str) -> None:
    """A plain message at the top of a tab when its weights cannot be found, or when a measured setting stored
    beside them could not be fetched from the Hub (the model then runs with its defaults); nothing otherwise."""
    missing, degraded = [], []
    for name in names:
        try:
            ganapp.load(name)
        except ganapp.WeightsUnavailable as e:
            missing.append(str(e))
        degraded += [f"{name}/{problem}" for problem in hub.hub_problems(name)]
    if missing:
        gr.Markdown(t("common.unavailable", reasons=" ".join(missing)))
    if degraded:
        gr.Markdown(t("common.settings_unavailable", files="; ".join(degraded)))


def quality_note(name: str) -> None:
    """What the model does and how well, in one plain sentence first (quality.json's `plain`, written by
    `python -m ganapp.reports` from the evaluation's metrics); the figures, what is below target and the model
    card one click away, in a collapsed panel. In the page's language."""
    try:
        judged = hub.quality(name)
    except ganapp.WeightsUnavailable:
        return
    if not judged:
        return
    if "plain" in judged:
        gr.Markdown(translatable(f"plain.{name}", judged["plain"]), elem_classes="plain-quality")
    card = f"https://huggingface.co/{spec(name).repo_id}"
    text = {}
    for lang, line in judged["line"].items():
        below = render("common.list_separator", lang).join(judged["below_target"].get(lang, []))
        text[lang] = render("common.measured_line", lang, line=line, card=card) + (
            "  \n" + render("common.below_line", lang, below=below) if below else "")
    below = judged["below_target"].get("en")
    title = "common.measured_quality" if below else "common.measured"
    with gr.Accordion(t(title), open=False, elem_classes="quality-note"):
        gr.Markdown(translatable(f"quality.{name}", text))


def stored_figure(name: str, filename: str) -> str | None:
    """The path of a picture an evaluation stored beside model `name`'s weights (for a gr.Image), None when the
    weights or the picture are missing."""
    try:
        path = hub.resolve(name) / filename
    except ganapp.WeightsUnavailable:
        return None
    return str(path) if path.is_file() else None


def how_it_works(text: str) -> None:
    with gr.Accordion(t("common.how_it_works"), open=False):
        gr.Markdown(text)


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


# The page's own script and styles live in ui/static/ (page.js, page.css; app.py passes them to launch).
PAGE_JS = (Path(__file__).resolve().parent / "static" / "page.js").read_text()
ICONS = Path(__file__).resolve().parent / "static" / "icons"   # drawn, not characters: no emoji font needed


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
