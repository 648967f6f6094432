"""ganapp: a playground of generative models. Run `python app.py`, open http://127.0.0.1:7860.

The app is only layout: every family with a tab in `ganapp.registry` gets one, built by its
`ganapp/families/<family>/tab.py`, which calls that family's inference functions.
"""
from __future__ import annotations

import functools
import logging
import os
import threading

import gradio as gr
from starlette.middleware import Middleware

from ganapp.checks import InvalidInput
from ganapp.device import return_freed_memory, set_cpu_threads
from ganapp.messages import render
from ganapp.registry import FAMILIES
from ganapp.ui.api_docs import document
from ganapp.ui.controls import LinkParam
from ganapp.ui.handlers import POOL, runs_no_model
from ganapp.ui.i18n import I18N, ForceLanguage, language, t, t_or
from ganapp.ui.inpage import PAGE_JS, STATIC, static_paths, toast_titles

MAX_FILE_SIZE = "10mb"    # uploads above this are refused with HTTP 413 before reaching a handler
QUEUE_SIZE = 64           # beyond this many waiting jobs, new ones are told the app is busy
CONCURRENCY = 4           # jobs of one event running at once, for events that run no model (link, seed, UI helpers)
# Model handlers of every tab share one pool of this many workers, and torch gets cores // workers threads, so that
# busy tabs together never run more threads than the machine has cores (oversubscribed cores slow everyone).
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # ours, not the host's
MODEL_WORKERS = max(1, int(os.environ.get("GANAPP_WORKERS", "0")) or CORES)


def build_demo(queue_size: int = QUEUE_SIZE, concurrency: int = CONCURRENCY,
               model_workers: int = MODEL_WORKERS) -> gr.Blocks:
    gr.set_static_paths(static_paths())  # the page's scripts, the vendored runtime, the exported models: no more
    with gr.Blocks(title="ganapp", delete_cache=(600, 1800)) as demo:
        gr.Markdown(t("app.intro"))
        toast_titles()
        note = gr.Markdown(visible=False, elem_id="link-note")  # what a link asked for that was ignored: in sight
        links: dict[str, dict[str, LinkParam]] = {}
        with gr.Tabs() as tabs:
            for family in FAMILIES.values():
                if family.tab_title:
                    with gr.Tab(t_or(f"tab.{family.name}", family.tab_title), id=family.name):
                        links[family.name] = family.part(family.tab)(demo) or {}
        targets = _link_targets(links)

        @runs_no_model
        def open_link(request: gr.Request):  # Gradio passes the request to a parameter annotated so
            return apply_link(links, targets, request)

        demo.load(open_link, outputs=[tabs, note, *targets], api_visibility="private", show_progress="hidden")

        @runs_no_model
        def forget_session(request: gr.Request):
            forget(demo, request.session_hash)

        demo.unload(forget_session)
        if os.environ.get("GANAPP_BENCHMARK") == "1":
            # The framework's floor for `python -m benchmarks`: an endpoint that does nothing,
            # undocumented and present only when benchmarking.
            gr.api(_noop, api_name="noop", api_visibility="undocumented")
    share_model_workers(demo, model_workers)
    refusals_in_one_line(demo)
    progress_only_where_shown(demo)
    document(demo)  # the API page: English labels, real types, what each parameter accepts
    demo.queue(max_size=queue_size, default_concurrency_limit=concurrency)
    return demo


def forget(demo: gr.Blocks, session_hash: str | None) -> None:
    """The visitor closed or reloaded the page (a reload is a new session): drop what Gradio holds for the session.

    Gradio keeps, for each session, its copy of every component's settings and last values (~0.7 MB; ~3 MB after a
    live run's curves and samples), deleting only its `gr.State` values, an hour after the page closed, and the rest
    only once 10,000 later sessions have come: the server grew ~3 MB with every visitor who trained
    (benchmarks/session.py). Its State values go first, through their delete callbacks (a live run's slot)."""
    if session_hash is None:
        return

    def drop() -> None:
        demo.state_holder.delete_state(session_hash)
        demo.state_holder.session_data.pop(session_hash, None)

    drop()
    # Once more a little later: an event of the page still queued when it closed (its first one, on a busy server)
    # makes Gradio create the session afresh.
    later = threading.Timer(FORGET_AGAIN_AFTER_S, drop)
    later.daemon = True
    later.start()


FORGET_AGAIN_AFTER_S = 10.0


def share_model_workers(demo: gr.Blocks, workers: int) -> None:
    """Put every event whose handler runs a model in the pool (declared `ui.handlers.handler(models=POOL)`) in one
    concurrency group of `workers` (Gradio's `concurrency_id`): a queue shared by all tabs, instead of a limit per
    event."""
    for block_fn in demo.fns.values():
        if getattr(block_fn.fn, "models", None) == POOL and block_fn.concurrency_limit is not None:
            block_fn.concurrency_id, block_fn.concurrency_limit = MODELS_POOL, workers


MODELS_POOL = "models"
log = logging.getLogger("ganapp")


def refusals_in_one_line(demo: gr.Blocks) -> None:
    """Gradio's own input checks (a value not among a Radio's choices, say) raise its Error with a traceback in the
    server's log, for a wrong value any client may send. Each such refusal now logs one line; the client's answer
    is the same. (A component a handler rebuilds for one session, with new choices say, is Gradio's new copy and
    logs as before.)"""
    for block in demo.blocks.values():
        if callable(getattr(block, "preprocess", None)):
            block.preprocess = _one_line_refusal(block.preprocess, type(block).__name__)


def progress_only_where_shown(demo: gr.Blocks) -> None:
    """Events that show no progress (`show_progress="hidden"`) track it on no component.

    Why: on each status message of any event (about six per event: pending, queued, started, done...), Gradio's page
    re-reads, as a deep copy, the value of every component that any earlier event of the page has targeted, and for
    a layout (the Tabs the link's load event selects) of every component inside it. A page that had loaded, through
    that one event, copied ~17,000 values per event: the "Train a GAN" page's timer alone kept half a core of the
    visitor's browser busy. An event tracks the components it names in `show_progress_on`, or else its outputs."""
    for block_fn in demo.fns.values():
        if block_fn.show_progress == "hidden" and block_fn.show_progress_on is None:
            block_fn.show_progress_on = []


def _one_line_refusal(preprocess, component: str):
    @functools.wraps(preprocess)
    def checked(payload):
        try:
            return preprocess(payload)
        except gr.Error as e:
            if not e.print_exception:
                raise
            log.warning("refused by a %s: %s", component, e.message)
            raise gr.Error(e.message, duration=e.duration, visible=e.visible, title=e.title,
                           print_exception=False) from None
    return checked


def _noop(x: int) -> int:
    return x


def _link_targets(links: dict) -> list:
    """Every component a link can set, each once."""
    targets = []
    for params in links.values():
        for p in params.values():
            for c in (p.component, *p.also):
                if all(c is not t for t in targets):
                    targets.append(c)
    return targets


def apply_link(links: dict, targets: list, request: gr.Request):
    """Open what a shared link shows: `?tab=cgan&digit=7&count=16&seed=42` selects the tab and sets
    its inputs (their change events then draw the picture). Unknown or bad parameters are skipped,
    with a small note — never an error."""
    query = dict(request.query_params) if request is not None else {}
    query.pop("lang", None)    # the page's language, read by ganapp.ui.i18n
    query.pop("__theme", None)  # Gradio's own light/dark switch
    values: dict[int, object] = {}
    tab, skipped = query.pop("tab", None), []
    if tab is not None and tab not in links:
        skipped.append(f"tab={tab}")
        tab = None
    for name, raw in query.items():
        param = links[tab].get(name) if tab else None
        try:
            if param is None:
                raise KeyError(name)
            value = param.parse(raw)
        except (InvalidInput, KeyError):
            skipped.append(f"{name}={raw}")
            continue
        for c in (param.component, *param.also):
            values[id(c)] = value
    note = gr.Markdown(render("link.ignored", language(request), parameters=", ".join(skipped)),
                       visible=True) if skipped else gr.Markdown()
    return (gr.Tabs(selected=tab) if tab else gr.Tabs(), note,
            *(values[id(c)] if id(c) in values else gr.update() for c in targets))


# How the app is served, here and in the tests: uploads bounded, no share links, and errors
# shown to users only as the short messages our handlers raise (no tracebacks, no paths).
LAUNCH_OPTIONS = dict(max_file_size=MAX_FILE_SIZE, share=False, show_error=False, css_paths=[STATIC / "page.css"],
                      js=PAGE_JS, i18n=I18N, app_kwargs={"middleware": [Middleware(ForceLanguage)]})

return_freed_memory()
set_cpu_threads(max(1, CORES // MODEL_WORKERS))
demo = build_demo()

if __name__ == "__main__":
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")), **LAUNCH_OPTIONS)
