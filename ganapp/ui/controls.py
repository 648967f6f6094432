"""Controls every tab shares: the seed box and its dice, the share link (each control a link can set), and the
image that shows pixels as pixels."""
from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ganapp.checks import MAX_SEED, InvalidInput, check_choice, check_float, check_int
from ganapp.messages import LANGUAGE, LANGUAGES, render

from .handlers import handler
from .i18n import t

ICONS = Path(__file__).resolve().parent / "static" / "icons"   # drawn, not characters: no emoji font needed


def pixel_image(label: str | None = None, **options) -> gr.Image:
    """An output picture of digits (a PNG the visitor cannot edit), scaled up without smoothing."""
    return gr.Image(label=label, type="pil", format="png", interactive=False, elem_classes="pixelated", **options)


def random_seed() -> int:
    return random.randint(0, 2**31 - 1)


@handler(models=None)
def commit_seed(typed, current) -> tuple[int, int]:
    """The seed to use, shown in the box and committed: what was typed when it is a whole number in
    range (the box rounds 1.5 to 2, and shows it), else the seed in use — never an error; a number out of range
    is said to be, in a short notice (a cleared box just shows the seed in use again)."""
    try:
        seed = check_int("seed", typed, 0, MAX_SEED)
    except InvalidInput:
        seed = int(current)
        if typed is not None:
            gr.Warning(render("common.seed_kept", LANGUAGE.get(), typed=typed, most=f"{MAX_SEED:,}", seed=seed))
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
