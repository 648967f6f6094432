"""The app served for real and called through gradio_client, as outside clients do."""
from __future__ import annotations

import hashlib
import re
import shutil
import threading
from pathlib import Path

import pytest
from conftest import EXAMPLE_PHOTO, serve
from gradio_client import Client, handle_file

README = Path(__file__).resolve().parent.parent / "README.md"
# The public API is the README's table: every row `| `/name` | ...` is an endpoint, and nothing else is.
PUBLIC = set(re.findall(r"^\| `(/\w+)` \|", README.read_text(), flags=re.M))


@pytest.fixture(scope="module")
def client(tiny_checkpoints):
    mp = pytest.MonkeyPatch()
    demo, url = serve(tiny_checkpoints, mp)
    yield Client(url, verbose=False)
    demo.close()
    mp.undo()


def digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_the_public_api_is_exactly_the_documented_endpoints(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == PUBLIC


@pytest.mark.parametrize("endpoint,args", [
    ("/cgan_generate", (3, 16, 0)),
    ("/cgan_generate", (0, 1, 42)),
    ("/infogan_generate", (7, 0.5, -1.25, 5)),
    ("/vae_interpolate", (3, 8, 10, 0, "slerp")),
    ("/vae_interpolate", (1, 1, 2, 9, "lerp")),
    ("/vae_interpolate", (3, 8, 7, 2, "even")),
    ("/stylegan_mix", (1, 2, "coarse", 0.7)),
    ("/objective_samples", ("hinge", 3)),
    ("/text_to_digit", ("一个向右倾斜的粗体7", 9, 2)),
    ("/text_to_digit", ("a thin two", 1, 0)),
    ("/denoise", (0.5, 7)),
    ("/denoise", (0, 123456)),
])
def test_endpoints_return_the_same_png_for_the_same_inputs(client, endpoint, args):
    first, second = client.predict(*args, api_name=endpoint), client.predict(*args, api_name=endpoint)
    assert Path(first).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert digest(first) == digest(second)


def test_gan2d_endpoint_returns_the_last_frame_and_its_figures(client):
    from PIL import Image

    (picture, figures), (again, figures_again) = (client.predict("ring8", "lsgan", 30, 4, api_name="/gan2d_train")
                                                  for _ in range(2))
    assert Image.open(picture).size == (384, 384) and digest(picture) == digest(again)
    assert figures == figures_again and figures["modes_total"] == 8
    assert set(figures) == {"modes_covered", "modes_total", "high_quality_share", "jsd"}


def test_augment_run_trains_one_cell_and_returns_its_figures(client):
    result = client.predict(100, "none", 0, api_name="/augment_run")
    assert set(result) == {"test_accuracy", "seconds"} and 0 <= result["test_accuracy"] <= 1 and result["seconds"] > 0


def test_vae_endpoint_gives_a_row_of_square_tiles(client):
    from PIL import Image

    assert Image.open(client.predict(3, 8, 12, 0, "lerp", api_name="/vae_interpolate")).size == (12 * 112, 112)


def test_cyclegan_endpoint_translates_a_file(client):
    from PIL import Image

    out = client.predict(handle_file(str(EXAMPLE_PHOTO)), "photo2monet", api_name="/cyclegan_translate")
    assert Image.open(out).size == Image.open(EXAMPLE_PHOTO).size  # already within 512


@pytest.mark.parametrize("endpoint,args", [
    ("/cgan_generate", (10, 1, 0)), ("/cgan_generate", (3, 0, 0)), ("/cgan_generate", (3, 1, -1)),
    ("/cgan_generate", (3, 1, 2**40)), ("/cgan_generate", (None, 1, 0)),
    ("/infogan_generate", (3, 5.0, 0, 0)), ("/infogan_generate", (3, 0, 0, None)),
    ("/vae_interpolate", (3, 8, 1000, 0, "lerp")), ("/vae_interpolate", (3, 8, 5, 0, "cubic")),
    ("/vae_interpolate", (11, 8, 5, 0, "lerp")),
    ("/cyclegan_translate", (handle_file(str(EXAMPLE_PHOTO)), "monet2picasso")),
    ("/text_to_digit", ("a purple cat", 4, 0)), ("/text_to_digit", ("7" * 201, 4, 0)), ("/text_to_digit", ("a 7", 65, 0)),
    ("/denoise", (1.5, 0)), ("/denoise", (0.5, -3)),
    ("/gan2d_train", ("circle", "lsgan", 10, 0)), ("/gan2d_train", ("ring8", "lsgan", 30000, 0)),
    ("/augment_run", (200, "none", 0)), ("/augment_run", (100, "gan", 0)), ("/augment_run", (100, "none", -2)),
])
def test_bad_inputs_get_a_validation_error_and_the_server_keeps_serving(client, endpoint, args):
    # A validation message — ours ("count must be an integer from 1 to 64") or Gradio's own for a
    # choice — not a bare "Error" from an internal crash.
    with pytest.raises(Exception, match=r"must be|not in the list of choices|(less|greater) than|names no digit|at most 200") as err:
        client.predict(*args, api_name=endpoint)
    assert "Traceback" not in str(err.value) and "/work" not in str(err.value)
    assert client.predict(3, 1, 0, api_name="/cgan_generate")


def test_non_image_upload_gets_a_clear_message(client, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_text("this is not an image")
    with pytest.raises(Exception, match="Not a readable image"):
        client.predict(handle_file(str(fake)), "photo2monet", api_name="/cyclegan_translate")
    assert client.predict(handle_file(str(EXAMPLE_PHOTO)), "photo2monet", api_name="/cyclegan_translate")


def test_messages_follow_the_visitors_language(client):
    """A Chinese browser (Accept-Language), or ?lang=zh-CN on the page, gets our messages in Chinese;
    API clients that say nothing get English."""
    zh = Client(client.src, verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    with pytest.raises(Exception, match="描述（text）有 201 个字符，最多只能 200 个"):
        zh.predict("7" * 201, 4, 0, api_name="/text_to_digit")
    with pytest.raises(Exception, match="里没有说是哪个数字"):
        zh.predict("a purple cat", 4, 0, api_name="/text_to_digit")
    with pytest.raises(Exception, match=r"The description \(text\) is 201 characters long; at most 200, please"):
        client.predict("7" * 201, 4, 0, api_name="/text_to_digit")


def test_helper_events_are_not_callable_through_the_api(client):
    with pytest.raises(Exception):
        client.predict(api_name="/cgan_random_seed")


def test_a_tab_without_weights_says_so_and_the_others_work(tiny_checkpoints, tmp_path, monkeypatch):
    partial = tmp_path / "partial"
    shutil.copytree(tiny_checkpoints, partial)
    shutil.rmtree(partial / "cgan")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    demo, url = serve(partial, monkeypatch)
    try:
        from ganapp.ui.i18n import I18N

        notes = [k for k, text in I18N.translations["en"].items()
                 if k.startswith("common.unavailable_") and "This tab's model is not available" in text and "'cgan'" in text]
        assert len(notes) == 1 and "common.unavailable_" in str(demo.config)
        assert all("这个标签页的模型不可用" in I18N.translations["zh-CN"][k] for k in notes)
        c = Client(url, verbose=False)
        with pytest.raises(Exception, match="not available"):
            c.predict(3, 1, 0, api_name="/cgan_generate")
        assert c.predict(7, 0, 0, 0, api_name="/infogan_generate")
    finally:
        demo.close()


def test_the_api_pages_examples_work_when_copied(client):
    """The "Use via API" page shows each endpoint with example inputs; copied as they are, they must
    work. (The CycleGAN example is Gradio's public sample image, fetched by the server: not offline.)"""
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert PUBLIC <= set(endpoints)
    for name in sorted(PUBLIC - {"/cyclegan_translate"}):
        args = [p["example_input"] for p in endpoints[name]["parameters"]]
        result = client.predict(*args, api_name=name)
        if name == "/augment_run":   # a figure, not a picture
            assert set(result) == {"test_accuracy", "seconds"}, result
            continue
        picture = result[0] if isinstance(result, tuple) else result   # /gan2d_train: (PNG, its figures)
        with open(picture, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", name


def test_model_handlers_of_every_tab_share_one_pool_of_workers(tiny_checkpoints, monkeypatch):
    """One concurrency group for all model endpoints (so that busy tabs together run at most `model_workers`
    models at once), live training outside it (it has its own slots)."""
    import app
    import ganapp

    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tiny_checkpoints))
    ganapp.load.cache_clear()
    demo = app.build_demo(model_workers=3)
    by_name = {fn.api_name: fn for fn in demo.fns.values()}
    live = {"/gan_train", "/gan2d_train", "/augment_run"}   # training, on the trainers' own slots
    for name in PUBLIC - live:
        fn = by_name[name.lstrip("/")]
        assert (fn.concurrency_id, fn.concurrency_limit) == (app.MODELS_POOL, 3), name
    for name in live:
        assert by_name[name.lstrip("/")].concurrency_id != app.MODELS_POOL, name


def test_every_event_declares_its_model_work_and_model_handlers_share_the_pool(tiny_checkpoints, monkeypatch):
    """Every event of the app, public or not (Gradio's own example loaders and browser-only events aside), says
    what model work it does (`ui.handlers.handler`), and every one that runs a model in the pool is in it: the VAE
    maps' draw, centre and click among them."""
    import app
    import ganapp
    from ganapp.ui.handlers import MODEL_USES, POOL

    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(tiny_checkpoints))
    ganapp.load.cache_clear()
    demo = app.build_demo(model_workers=3)
    events = [fn for fn in demo.fns.values() if fn.fn is not None and not fn.fn.__module__.startswith("gradio")]
    undeclared = [fn.name for fn in events if not hasattr(fn.fn, "models")]
    assert not undeclared, f"events without a handler(models=...) declaration: {undeclared}"
    assert all(fn.fn.models in MODEL_USES for fn in events)
    for fn in events:
        assert (fn.concurrency_id == app.MODELS_POOL) == (fn.fn.models == POOL), fn.name
    names = {fn.fn.__name__ for fn in events if fn.fn.models == POOL}
    assert {"drawn_on_server", "on_click"} <= names


def test_the_api_page_describes_every_parameter_with_the_readmes_type(client):
    """What the "Use via API" page (and view_api) shows: an English label, the README's type (an int is an
    int: a client that follows the page must not send '3' for a digit) and what the parameter accepts."""
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    rows = dict(re.findall(r"^\| `(/\w+)` \| (.*?) \|", README.read_text(), flags=re.M))
    for name in sorted(PUBLIC):
        for p in endpoints[name]["parameters"]:
            label = p["label"]
            assert isinstance(label, str) and "[object" not in label and not label.startswith("parameter_"), (name, p)
            if p["python_type"]["type"] != "filepath":
                assert p["python_type"]["description"], (name, p["parameter_name"])
            documented = re.search(rf"`{p['parameter_name']}` (int|float|string)", rows[name])
            if documented:
                expected = {"int": "int", "float": "float", "string": "str"}[documented.group(1)]
                assert p["python_type"]["type"] == expected, (name, p["parameter_name"], p["python_type"])


def test_the_server_returns_freed_large_blocks_to_the_system():
    """glibc's adaptive mmap threshold is fixed (app.py calls this before building the demo), so the large
    activations of model calls are returned on free instead of fragmenting the heap (benchmarks/session.py)."""
    import platform

    from ganapp.device import return_freed_memory

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("only glibc keeps an adaptive mmap threshold")
    assert return_freed_memory() and return_freed_memory()
    assert [t.name for t in threading.enumerate()].count("malloc-trim") == 1   # the heaps' free pages go back too
