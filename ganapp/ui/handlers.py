"""The one declaration every event handler carries (`handler`): what model work it does, so that app.py puts
every model handler in the shared pool; answers in the visitor's language (our input errors become short
messages); PIL results become PNG files; on a ZeroGPU Space, pool handlers run on a GPU."""
from __future__ import annotations

import contextvars
import functools
import html
import importlib
import importlib.util
import inspect
import logging
import typing

import gradio as gr
from PIL import Image

import ganapp
from ganapp.checks import InvalidInput
from ganapp.messages import LANGUAGE, Text, render

from .exports import png_file
from .i18n import language

log = logging.getLogger("ganapp")
SESSION: contextvars.ContextVar[str | None] = contextvars.ContextVar("session", default=None)  # the visitor's, in a handler

GPU_SECONDS = 15   # a ZeroGPU allocation for one MNIST handler; heavier ones ask for more


class imported_when_used:  # noqa: N801  (stands where a module name stands)
    """A module imported when one of its names is first used, not when the page is built: a tab's inference and
    its models need torch, whose import is 1.4 s of the app's start, and the page can show its tabs without it.
    `inference = imported_when_used(f"{__package__}.inference")`, then `inference.generate(...)` in a handler.
    (Python's import lock makes the first use from two handlers at once import it once.)"""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self._module), name)


def on_zero_gpu() -> bool:
    """On a Hugging Face ZeroGPU Space: the `spaces` package is there."""
    return importlib.util.find_spec("spaces") is not None


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
    language, logged as one line, and `messages.LANGUAGE` holds the language (`SESSION` the visitor's session) while
    the handler runs."""
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
        token, session = LANGUAGE.set(lang), SESSION.set(getattr(request, "session_hash", None))
        try:
            return _rendered(fn(*args[:arity], **kwargs), lang)
        except InvalidInput as e:
            log.info("%s refused an input: %s", fn.__name__, e)  # routine: one line, no traceback
            safe = {k: html.escape(v) if isinstance(v, str) else v for k, v in e.text.params.items()}  # shown as HTML
            raise gr.Error(render(e.text.key, lang, **safe), print_exception=False) from None
        finally:
            LANGUAGE.reset(token)
            SESSION.reset(session)

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
TRAINING = "training"    # trains a live GAN under the trainer's own slots (gantrain.live.SLOTS): minutes of
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


def _as_files(result):
    if isinstance(result, tuple):
        return tuple(_as_files(r) for r in result)
    return str(png_file(result)) if isinstance(result, Image.Image) else result
