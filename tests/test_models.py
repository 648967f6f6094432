"""Every registered model: config travels with the weights, strict loading, shapes, determinism."""
from __future__ import annotations

import json
import pickle

import pytest
import torch
from conftest import tiny_models
from safetensors.torch import load_file, save_file

from ganapp.registry import MODELS

NAMES = sorted(MODELS)


def example_inputs(name: str, model) -> tuple:
    return model.example_inputs(torch.Generator().manual_seed(0))


def run(name: str, model, inputs):
    with torch.inference_mode():
        return model.generate(*inputs)


@pytest.fixture(scope="module")
def models():
    return tiny_models()


@pytest.mark.parametrize("name", NAMES)
def test_round_trip_rebuilds_the_architecture_and_identical_outputs(name, models, tmp_path):
    model = models[name]
    model.save_pretrained(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"config.json", "model.safetensors"}
    assert json.loads((tmp_path / "config.json").read_text())  # the config, as plain JSON
    loaded = MODELS[name].model_class.from_pretrained(tmp_path)
    assert loaded.config == model.config and not loaded.training
    inputs = example_inputs(name, model)
    assert torch.equal(run(name, model, inputs), run(name, loaded, inputs))


@pytest.mark.parametrize("name", NAMES)
def test_output_shapes_and_ranges(name, models):
    model = models[name]
    out = run(name, model, example_inputs(name, model))
    inputs = example_inputs(name, model)
    assert len(out) == len(inputs[0])  # one output per input
    known = {"classifier": (3, 10), "cyclegan_photo2monet": (1, 3, 36, 52), "cyclegan_monet2photo": (1, 3, 36, 52),
             "cgan": (3, 1, 28, 28), "infogan": (3, 1, 28, 28), "vae": (3, 1, 28, 28), "vae2d": (3, 1, 28, 28)}
    if name in known:  # the shipped models' shapes, as before the registry grew
        assert tuple(out.shape) == known[name]
    if model.output_range is not None:
        lo, hi = model.output_range
        assert lo <= out.min() and out.max() <= hi
        assert out.dim() == 4 and out.shape[1] in (1, 3)  # images (B, C, H, W)


@pytest.mark.parametrize("name", NAMES)
def test_loading_refuses_weights_that_do_not_match_the_config(name, models, tmp_path):
    models[name].save_pretrained(tmp_path)
    weights = load_file(tmp_path / "model.safetensors")
    weights["unexpected.weight"] = torch.zeros(1)
    save_file(weights, tmp_path / "model.safetensors")
    with pytest.raises(RuntimeError, match="unexpected"):
        MODELS[name].model_class.from_pretrained(tmp_path)


def test_loading_refuses_a_config_for_another_architecture(models, tmp_path):
    models["cgan"].save_pretrained(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    config["g_width"] *= 2  # the weights no longer fit what the config builds
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(RuntimeError, match="size mismatch|shape"):
        MODELS["cgan"].model_class.from_pretrained(tmp_path)


def test_loading_refuses_unknown_config_fields(models, tmp_path):
    models["vae"].save_pretrained(tmp_path)
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "made_up": 1}))
    with pytest.raises(TypeError, match="made_up"):
        MODELS["vae"].model_class.from_pretrained(tmp_path)


class _Exploit:
    def __reduce__(self):
        import os
        return (os.system, ("touch pwned",))


def test_a_pickle_where_weights_belong_is_never_loaded(models, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "cgan"
    models["cgan"].save_pretrained(folder)
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(pickle.dumps(_Exploit()))
    with pytest.raises(FileNotFoundError, match="safetensors"):
        MODELS["cgan"].model_class.from_pretrained(folder)
    assert not (tmp_path / "pwned").exists()


def test_non_strict_loading_is_refused(models, tmp_path):
    models["vae"].save_pretrained(tmp_path)
    with pytest.raises(ValueError, match="strict"):
        MODELS["vae"].model_class.from_pretrained(tmp_path, strict=False)


def test_cyclegan_generator_rejects_sizes_it_cannot_take(models):
    with pytest.raises(ValueError, match="multiples of 4"):
        models["cyclegan_photo2monet"](torch.zeros(1, 3, 30, 32))
