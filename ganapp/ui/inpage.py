"""Tabs that draw in the visitor's browser (static/inpage.js): the pieces each such tab puts on the page.

A tab that draws in the page has, beside its server-drawn picture:
- `view(...)`: a gr.HTML holding a canvas, which loads the tab's page script (`<family>/page.js`, a module that
  uses static/inpage.js) the first time the tab is shown, with the model file and the stored measurements as props;
- `wire(...)`: its events: the public endpoint keeps its name and inputs on a hidden button whose click draws on
  the server (the page clicks it itself when it cannot run the model), and the controls' browser-only event hands
  their values to the page script: no request reaches the server while a slider is dragged.
Gradio serves only the files `static_paths()` names: this folder's static/ and the exported models.
"""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr

from ..hub import local_folder
from ..messages import LANGUAGES, render
from ..registry import PAGE_FILE, in_page_models
from .i18n import t

STATIC = Path(__file__).resolve().parent / "static"
PAGE_JS = (STATIC / "page.js").read_text()   # the page's own script (app.py passes it, and page.css, to launch)
FAMILIES_DIR = Path(__file__).resolve().parent.parent / "families"
PAGE_SCRIPT = "page.js"   # a family's in-page script, beside its tab.py

# Runs when the gr.HTML is mounted: Gradio's `js_on_load` is synchronous, and `<script>` in a template never runs.
LOADER = """(async () => {
  const page = await import(props.script_url);
  page.start(element, props, server);
})().catch((error) => {  // the script itself failed to load: the server draws (its hidden button)
  console.warn("ganapp: drawing on the server:", error);
  const button = document.querySelector(`#${props.tab}-server-draw`);
  (button && (button.tagName === "BUTTON" ? button : button.querySelector("button")))?.click();
});"""


def static_paths() -> list[Path]:
    """What Gradio may serve as files: the page's own scripts and styles, the vendored runtime, the family page
    scripts and the exported models as the page fetches them (the registry's in_page ones, gzipped), nothing else
    (not app.py, not a config.json, not ../shared)."""
    scripts = sorted(FAMILIES_DIR.glob(f"*/{PAGE_SCRIPT}"))
    models = [local_folder(name) / PAGE_FILE for name in in_page_models()]
    return [STATIC, *scripts, *(m for m in models if m.is_file())]


def file_url(path: Path) -> str:
    return f"/gradio_api/file={Path(path).resolve()}"


CANVAS = '<div class="inpage-box"><canvas></canvas><div class="inpage-note" role="status"></div></div>'


def view(tab: str, family: str, models: dict[str, str], server_functions: list, template: str = CANVAS,
         **props) -> gr.HTML | None:
    """The canvas the page draws on, or None (the tab then draws on the server only) when a model was not
    exported. `models` maps a role to a model name, e.g. {"generator": "infogan"}; `props` reach the script.
    Each of `server_functions` is called by the script with one argument (Gradio passes one), a list if need be."""
    files = {role: local_folder(name) / PAGE_FILE for role, name in models.items()}
    if not all(f.is_file() and f.with_suffix("").is_file() for f in files.values()):   # model.onnx.gz, model.onnx
        return None
    runtime = sum(f.stat().st_size for f in (STATIC / "vendor").rglob("*") if f.suffix in (".gz", ".mjs"))
    megabytes = (runtime + sum(f.stat().st_size for f in files.values())) / 1e6
    return gr.HTML(
        value="", elem_id=f"{tab}-page", elem_classes="inpage", js_on_load=LOADER, server_functions=server_functions,
        html_template=template,
        script_url=file_url(FAMILIES_DIR / family / PAGE_SCRIPT), static_dir=str(STATIC),
        models={role: str(f.resolve()) for role, f in files.items()}, tab=tab,
        loading_note=texts("common.loading_model", mb=f"{megabytes:.0f}"), **props)


def toast_titles() -> gr.HTML:
    """Nothing to see: it hands the page's script the titles of Gradio's notices in every language (Gradio titles
    them "Error", "Warning", "Info" in English whatever the page's language; static/page.js retitles them)."""
    return gr.HTML(value="", elem_id="toast-titles", padding=False,
                   js_on_load="window.ganappToastTitles = props.titles;",
                   titles={kind: texts(f"common.toast.{kind.lower()}") for kind in ("Error", "Warning", "Info")})


def texts(key: str, **params) -> dict[str, str]:
    """A locale text in every language, for a page script (it shows the one the page shows: inpage.say)."""
    return {lang: render(key, lang, **params) for lang in LANGUAGES}


def wire(tab: str, view: gr.HTML | None, triggers: list, fn, inputs: list, output, api_name: str | None,
         **options) -> None:
    """The events of a tab that draws in the page. The public endpoint `api_name` draws on the server, on a hidden
    button that the page presses itself when it cannot run the model; the controls' `triggers` hand their values to
    the page (browser-only: no request reaches the server while a slider is dragged). Without an exported model
    (`view` None) the server draws on every trigger, as before."""
    button = gr.Button(t("common.server_draw"), visible="hidden", elem_id=f"{tab}-server-draw")
    button.click(fn, inputs=inputs, outputs=output, trigger_mode="always_last",
                 **({"api_name": api_name} if api_name else {"api_visibility": "private"}), **options)
    if view is None:
        gr.on(triggers, fn, inputs=inputs, outputs=output, api_visibility="private", trigger_mode="always_last",
              **options)
        return
    if inputs:  # (a tab without controls, e.g. a latent map, has its page script draw when it is shown)
        js = "(...values) => ganappRequest(" + json.dumps(tab) + ", values)"  # static/page.js defines it
        gr.on(triggers, None, inputs=inputs, outputs=None, js=js, api_visibility="private", show_progress="hidden")
