"""The "GAN in 2-D" tab: a GAN on points of the plane, where its theory can be seen. The server trains (one slot,
shared with /gan2d_train); the page (page.js) asks for a frame several times a second and draws it: real and fake
points, D as a heat map and D* beside it, the gradient arrows, G's noise grid and the curves."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import gradio as gr

from ... import fork_server
from ...checks import MAX_SEED, InvalidInput, check_choice, check_int
from ...gan_settings import SETTINGS
from ...messages import LANGUAGES, strings
from ...ui.controls import choice_param, int_param, seed_control, share_link
from ...ui.handlers import TRAINING, handler, imported_when_used
from ...ui.i18n import t, translatable
from ...ui.inpage import FAMILIES_DIR, LOADER, PAGE_SCRIPT, file_url
from ...ui.notes import how_it_works
from . import BUILT_IN, LEARNING_RATES, MAX_DRAWN, NOISE_KINDS, OBJECTIVES_2D, PLANE

live = imported_when_used(f"{__package__}.live")   # imports torch: on first use, not at start
CHOICES = (*BUILT_IN, "drawn")
MAX_RUNS_KEPT = 64      # runs remembered for pages (each a few hundred kB); the longest unseen is forgotten first
FORGET_AFTER_S = 600.0  # a run whose page has not asked for a frame for this long is forgotten
_runs: dict[str, live.Run2D] = {}
_seen: dict[str, float] = {}
_runs_lock = threading.Lock()


def _page(page_state) -> tuple[str, list | None]:
    """The page's key and drawn points (page.js fills the hidden input before each button's handler runs)."""
    try:
        state = json.loads(page_state or "{}")
        key, points = state["key"], state.get("points")
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("gan2d.needs_script") from None
    if not isinstance(key, str) or not 8 <= len(key) <= 64 or not key.isalnum():
        raise InvalidInput("gan2d.needs_script")
    return key, points


def _forget_old() -> None:
    now = time.monotonic()
    for key in [k for k, seen in _seen.items() if now - seen > FORGET_AFTER_S]:
        _runs.pop(key).pause()
        del _seen[key]
    while len(_runs) > MAX_RUNS_KEPT:
        oldest = min(_seen, key=_seen.get)
        _runs.pop(oldest).pause()
        del _seen[oldest]


def _new_run(key, distribution, objective, noise_dim, noise, depth, width, lr_d, lr_g, d_steps, seed, points):
    data = live.check_distribution(check_choice("distribution", distribution, CHOICES), points)
    run = live.Run2D(data, check_choice("objective", objective, OBJECTIVES_2D),
                          check_int("seed", seed, 0, MAX_SEED), live.check_model(noise_dim, noise, depth, width),
                          *live.check_rates(lr_d, lr_g, d_steps))
    with _runs_lock:
        old = _runs.pop(key, None)
        if old is not None:
            old.pause()
        _runs[key], _seen[key] = run, time.monotonic()
        _forget_old()
    return run


def _run(key) -> live.Run2D | None:
    with _runs_lock:
        run = _runs.get(key)
        if run is not None:
            _seen[key] = time.monotonic()
        return run


def _control(action: str):
    """A button's handler: the settings, then the page's key and points (filled in by page.js). It answers nothing:
    the page shows the run in its next frame; a refused input is a short message."""
    @handler(models=TRAINING)
    def control(distribution, objective, noise_dim, noise, depth, width, lr_d, lr_g, d_steps, seed, page_state):
        key, points = _page(page_state)
        settings = (distribution, objective, noise_dim, noise, depth, width, lr_d, lr_g, d_steps, seed, points)
        run = _run(key)
        if action == "reset" or run is None:
            run = _new_run(key, *settings)
        if action in ("train", "d_only"):
            run.start(action)
        elif action == "pause":
            run.pause()
        elif action == "step":
            run.pause()
            run.mode = "train"
            run.train_steps(1)
            run.mode = "paused"

    control.__name__ = f"gan2d_{action}"
    return control


def frame(key):
    """The page's poll (a gr.HTML server function, no queue), with the version of the last frame it drew: the run's
    latest frame (its real points only for a new run), or {"version": same} when nothing changed. Never raises: a
    page with no run gets {"empty": true}."""
    key, known = (key[0], key[1]) if isinstance(key, list) and len(key) == 2 else (key, None)
    run = _run(key) if isinstance(key, str) else None
    if run is None:
        return {"empty": True}
    run.seen()
    version = [run.id, run.step, run.d_only_steps, len(run.curves["step"])]
    if version == known and not run.training:
        return {"version": version}
    same_run = isinstance(known, list) and known[:1] == [run.id]   # the page has this run's real points
    return {**run.frame(with_real=not same_run), "version": version}


@handler(models=None)
def default_rates(objective):
    """The objective's 2-D learning rates and its D steps per G step, when the objective changes."""
    objective = check_choice("objective", objective, OBJECTIVES_2D)
    return LEARNING_RATES[objective], LEARNING_RATES[objective], SETTINGS[objective].d_steps


@handler(models=TRAINING)
def gan2d_train(distribution, objective, steps, seed):
    return live.gan2d_train(distribution, objective, steps, seed)   # (the last frame, its figures)


def _templates(key: str) -> dict[str, str]:
    """A locale text in every language with its {placeholders} left for page.js to fill."""
    return {lang: strings(lang)[key] for lang in LANGUAGES}


def _measured_table():
    """The coverage table `python -m benchmarks.gan2d` wrote, or a note that it has not been run."""
    md = Path(__file__).resolve().parents[3] / "benchmarks" / "gan2d.md"
    if not md.is_file():
        return t("gan2d.unmeasured")
    table = md.read_text().split("\n", 2)[2]
    # The table's words are the benchmark's (English); Chinese visitors get the same figures under a Chinese lead.
    return translatable("gan2d.measured_table", {"en": table, "zh-CN": strings("zh-CN")["gan2d.measured_lead"] + "\n\n" + table})


def build(demo: gr.Blocks) -> dict:
    fork_server.warm_up(f"{__package__}.live", after_s=fork_server.WARM_UP_AFTER_S)   # live runs train in child processes
    gr.Markdown(t("gan2d.intro"))
    with gr.Row():
        with gr.Column(scale=2):
            gr.HTML(value="", elem_id="gan2d-page", js_on_load=LOADER, server_functions=[frame],
                           html_template='<div class="gan2d"></div>', tab="gan2d",
                           script_url=file_url(FAMILIES_DIR / "gan2d" / PAGE_SCRIPT), plane=PLANE, max_points=MAX_DRAWN,
                           labels={key: _templates(f"gan2d.page.{key}") for key in PAGE_TEXTS})
        with gr.Column(scale=1):
            distribution = gr.Radio(list(CHOICES), value="ring8", label=t("gan2d.distribution"),
                                    info=t("gan2d.distribution_info"), elem_id="gan2d-distribution")
            objective = gr.Dropdown(list(OBJECTIVES_2D), value="nonsaturating", label=t("gan2d.objective"))
            with gr.Row():
                start = gr.Button(t("gan2d.start"), variant="primary", elem_id="gan2d-start")
                pause = gr.Button(t("gan2d.pause"), elem_id="gan2d-pause")
                step = gr.Button(t("gan2d.step"), elem_id="gan2d-step")
            with gr.Row():
                d_only = gr.Button(t("gan2d.d_only"), elem_id="gan2d-d-only")
                reset = gr.Button(t("gan2d.reset"), elem_id="gan2d-reset")
            with gr.Accordion(t("gan2d.settings"), open=False):
                with gr.Row():
                    noise_dim = gr.Radio([1, 2], value=2, label=t("gan2d.noise_dim"))
                    noise = gr.Radio(list(NOISE_KINDS), value="gaussian", label=t("gan2d.noise"))
                with gr.Row():
                    depth = gr.Slider(1, 4, value=3, step=1, label=t("gan2d.depth"))
                    width = gr.Slider(8, 256, value=64, step=8, label=t("gan2d.width"))
                with gr.Row():
                    lr_d = gr.Number(value=1e-3, label=t("gan2d.lr_d"), minimum=1e-5, maximum=1e-2)
                    lr_g = gr.Number(value=1e-3, label=t("gan2d.lr_g"), minimum=1e-5, maximum=1e-2)
                d_steps = gr.Slider(1, 10, value=1, step=1, label=t("gan2d.d_steps"), info=t("gan2d.d_steps_info"))
                seed = seed_control("gan2d")
    page_state = gr.Textbox(visible=False, label="page")
    settings = [distribution, objective, noise_dim, noise, depth, width, lr_d, lr_g, d_steps, seed, page_state]
    # Each button: page.js adds the page's key and drawn points, then the server acts on that page's run.
    with_page = "(...values) => window.ganappGan2d ? window.ganappGan2d.withPage(values) : values"
    for button, action in ((start, "train"), (pause, "pause"), (step, "step"), (d_only, "d_only"), (reset, "reset")):
        button.click(_control(action), inputs=settings, outputs=None, js=with_page, api_name=f"gan2d_button_{action}",
                     api_visibility="private", show_progress="hidden", concurrency_limit=None)
    objective.change(default_rates, inputs=objective, outputs=[lr_d, lr_g, d_steps], api_name="gan2d_default_rates",
                     api_visibility="private", show_progress="hidden")
    with gr.Accordion(t("gan2d.try_heading"), open=True):
        gr.Markdown(t("gan2d.try"))
    with gr.Accordion(t("gan2d.measured"), open=False):
        gr.Markdown(_measured_table())
    how_it_works(t("gan2d.explanation"))
    # The public endpoint: exactly the documented inputs (hidden controls; the tab's own buttons train live).
    api_distribution = gr.Radio(list(BUILT_IN), value="ring8", visible=False, label="distribution")
    api_objective = gr.Radio(list(OBJECTIVES_2D), value="nonsaturating", visible=False, label="objective")
    api_steps = gr.Number(value=2000, precision=0, visible=False, label="steps")
    api_steps.api_range = (1, 20000)
    api_seed = gr.Number(value=0, precision=0, visible=False, label="seed")
    api_seed.api_range = (0, MAX_SEED)
    api_picture, api_figures = gr.Image(visible=False, type="pil", format="png"), gr.JSON(visible=False)
    api_distribution.change(gan2d_train, inputs=[api_distribution, api_objective, api_steps, api_seed],
                            outputs=[api_picture, api_figures], api_name="gan2d_train", concurrency_limit=None)
    return share_link("gan2d", {"distribution": choice_param(distribution, CHOICES, "distribution"),
                                "objective": choice_param(objective, OBJECTIVES_2D, "objective"),
                                "seed": int_param(seed, 0, MAX_SEED, "seed")})


PAGE_TEXTS = ("plane", "dstar", "curves", "jsd", "value", "modes", "draw_hint", "clear", "no_run", "waiting",
              "gap", "gap_none", "steps", "heat_probability", "heat_score", "fps")
