"""Shared fixtures: tiny random-weight checkpoints for every registered model, so the suite
runs anywhere in seconds; tests that need the shipped weights or the real data say so."""
from __future__ import annotations

import json
import os
import shutil
import socket
from pathlib import Path

import pytest
import torch

from ganapp.registry import FAMILIES, MODELS

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "checkpoints"
DATA = Path(os.environ.get("GANAPP_DATA", ROOT.parent / "shared" / "data"))

os.environ.setdefault("HF_HUB_OFFLINE", "1")   # tests never reach the real Hub
os.environ.setdefault("GANAPP_THREADS", "2")


def tiny_models() -> dict[str, torch.nn.Module]:
    """One small random-init instance of every registered model (its registry `tiny` config), by name."""
    from ganapp.registry import MODELS

    torch.manual_seed(0)
    return {name: spec.model_class(spec.model_class.config_class(**spec.tiny)).eval() for name, spec in MODELS.items()}


@pytest.fixture(scope="session")
def tiny_checkpoints(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("checkpoints")
    from ganapp.hub import GENERATION_FILE
    from ganapp.registry import MODELS

    for name, model in tiny_models().items():
        model.save_pretrained(folder / name)
        if MODELS[name].tiny_generation:
            (folder / name / GENERATION_FILE).write_text(json.dumps(MODELS[name].tiny_generation))
    return folder


@pytest.fixture
def use_checkpoints(monkeypatch):
    """Point ganapp at a checkpoints folder for one test (and forget loaded models around it)."""
    import ganapp

    def use(folder: Path) -> None:
        monkeypatch.setenv("GANAPP_CHECKPOINTS", str(folder))
        ganapp.load.cache_clear()

    yield use
    ganapp.load.cache_clear()


@pytest.fixture
def tiny(tiny_checkpoints, use_checkpoints) -> Path:
    use_checkpoints(tiny_checkpoints)
    return tiny_checkpoints


def shipped(*names: str):
    """Skip unless the shipped weights of `names` are present in checkpoints/."""
    missing = [n for n in names if not (SHIPPED / n / "model.safetensors").is_file()]
    return pytest.mark.skipif(bool(missing), reason=f"shipped weights missing: {', '.join(missing)}")


needs_data = pytest.mark.skipif(not (DATA / "mnist").is_dir(), reason=f"real data not found at {DATA} (set GANAPP_DATA)")


def write_idx(path: Path, array) -> None:
    """Write a uint8 array in MNIST's IDX format, gzipped when the name ends in .gz."""
    import gzip

    import numpy as np

    array = np.asarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as f:
        f.write(header + array.tobytes())


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory) -> Path:
    """A data root shaped like ../shared/data, with 64 fake digits per split and 6 small images per domain."""
    import numpy as np
    from PIL import Image

    root = tmp_path_factory.mktemp("data")
    rng = np.random.default_rng(0)
    (root / "mnist").mkdir()
    for prefix in ("train", "t10k"):
        write_idx(root / "mnist" / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (64, 28, 28)))
        write_idx(root / "mnist" / f"{prefix}-labels-idx1-ubyte.gz", np.arange(64) % 10)
    for split in ("train", "test"):
        for domain in ("photo", "monet"):
            folder = root / "monet_photo" / split / domain
            folder.mkdir(parents=True)
            for i in range(6):
                Image.fromarray(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)).save(folder / f"{i}.jpg")
    return root


# --- shared by several test files (no test file imports another) ----------------------------------------------

EXAMPLE_PHOTO = ROOT / "ganapp" / "assets" / "examples" / "photo_coffee.jpg"


def png_data_url(picture) -> str:
    """A PIL picture as a drawing pad sends it (static/drawpad.js): a PNG base64 data URL."""
    import base64
    import io

    png = io.BytesIO()
    picture.save(png, format="PNG")
    return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(checkpoints: Path, monkeypatch, **build_options):
    """Build the app against `checkpoints` and serve it on a free port; returns (demo, url)."""
    import ganapp

    monkeypatch.setenv("GANAPP_CHECKPOINTS", str(checkpoints))
    ganapp.load.cache_clear()
    import app

    demo = app.build_demo(**build_options)
    _, url, _ = demo.launch(server_port=free_port(), prevent_thread_lock=True, **app.LAUNCH_OPTIONS)
    return demo, url


# Each family's seconds-fast overrides, from the registry: a new family is tested with no change here.
TINY = {name: [arg for o in f.tiny_training for arg in ("--set", o)] for name, f in FAMILIES.items() if f.recipe}


def run(model, tmp_path, data, steps, *extra):
    """`python -m ganapp.train <model>` for `steps` steps on tiny data, with the family's tiny settings."""
    from ganapp.train import main as train_main  # here: importing training code is a choice each test makes

    train_main([model, "--steps", str(steps), "--data", str(data), "--run-dir", str(tmp_path), "--threads", "1",
                "--sample-every", "2", "--validate-every", "0", *TINY[MODELS[model].family if model in MODELS else model],
                *extra])


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("GANAPP_REQUIRE_BROWSER") == "1":
    raise RuntimeError("GANAPP_REQUIRE_BROWSER=1 but Debian's chromium is not installed (apt-get install chromium)")
SHOTS = ROOT / "artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


# The suite's process ends without the interpreter's own teardown. A test's server may leave a C++ thread of torch's
# (its compiler stack's, imported by any optimiser) alive, and tearing the interpreter down around it aborts the
# process ("terminate called without an active exception", exit 134) after every test has passed: seen in 1 to 3
# of 6 runs of one browser test on this machine. Exiting at once, after pytest has reported, keeps its exit status.
_EXIT = {}


def pytest_sessionfinish(session, exitstatus):
    _EXIT["status"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    if "status" in _EXIT and not hasattr(config, "workerinput"):
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT["status"])
