"""The training loop and every recipe, for a few steps on tiny data: it runs, logs, samples,
exports loadable models, and a resumed run continues exactly where an uninterrupted one goes."""
from __future__ import annotations

import pytest
import torch
from safetensors.torch import load_file

from ganapp.registry import MODELS
from ganapp.train import main as train_main

TINY = {
    "classifier": ["--set", "width=4", "--set", "features=16", "--set", "batch_size=8"],
    "cgan": ["--set", "z_dim=8", "--set", "g_width=8", "--set", "d_width=8", "--set", "batch_size=8"],
    "infogan": ["--set", "z_dim=8", "--set", "hidden=32", "--set", "batch_size=8"],
    "vae": ["--set", "latent_dim=3", "--set", "width=4", "--set", "hidden=16", "--set", "batch_size=8"],
    "cyclegan": ["--set", "base_filters=4", "--set", "n_blocks=1", "--set", "disc_filters=4", "--set", "crop=32",
                 "--set", "pool_size=2"],
}


def run(model, tmp_path, data, steps, *extra):
    train_main([model, "--steps", str(steps), "--data", str(data), "--run-dir", str(tmp_path), "--threads", "1",
                "--sample-every", "2", *TINY[model], *extra])


@pytest.mark.parametrize("model", sorted(TINY))
def test_recipe_trains_logs_samples_and_exports(model, tiny_data, tmp_path):
    run(model, tmp_path, tiny_data, 3)
    assert (tmp_path / "log.jsonl").read_text().count("\n") == 1
    assert sorted(p.name for p in (tmp_path / "samples").iterdir()) == ["step_000002.png", "step_000003.png"]
    exported = list((tmp_path / "final").iterdir())
    assert exported
    for folder in exported:
        MODELS[folder.name].model_class.from_pretrained(folder)  # loads strictly


@pytest.mark.parametrize("model", ["cgan", "cyclegan"])
def test_resume_continues_exactly(model, tiny_data, tmp_path):
    run(model, tmp_path / "straight", tiny_data, 4)
    run(model, tmp_path / "resumed", tiny_data, 2)
    run(model, tmp_path / "resumed", tiny_data, 4, "--resume")
    a = load_file(tmp_path / "straight" / "state.safetensors")
    b = load_file(tmp_path / "resumed" / "state.safetensors")
    assert a.keys() == b.keys() and any(k.startswith("optim.") for k in a)
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_unknown_override_is_refused(tiny_data, tmp_path):
    with pytest.raises(SystemExit, match="unknown field 'nope'"):
        train_main(["vae", "--data", str(tiny_data), "--run-dir", str(tmp_path), "--set", "nope=1"])
