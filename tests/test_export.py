"""The graphs the page runs: every in-page model exports to one ONNX file that computes what torch computes, at
batch 1 and batch N, and the shipped exports are not stale."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from conftest import SHIPPED, tiny_models

from ganapp.export import ONNX_FILE, SOURCE_KEY, export_onnx, in_page_models, input_names, is_stale, onnx_metadata
from ganapp.registry import MODELS

onnxruntime = pytest.importorskip("onnxruntime", reason="a development dependency (requirements-dev.txt)")
pytest.importorskip("onnxscript", reason="a development dependency (requirements-dev.txt)")


def run_onnx(path, names, inputs) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {n: x.numpy() for n, x in zip(names, inputs)})[0]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every in-page model's tiny instance saved and exported once."""
    folder = tmp_path_factory.mktemp("exports")
    models = tiny_models()
    for name in in_page_models():
        models[name].save_pretrained(folder / name)
        export_onnx(name, folder / name)
    return folder, models


@pytest.mark.parametrize("name", in_page_models())
@pytest.mark.parametrize("batch", [1, 5])
def test_onnx_matches_torch_at_any_batch(exported, name, batch):
    folder, models = exported
    model = models[name]
    g = torch.Generator().manual_seed(batch)
    example = model.example_inputs(g)  # 3 rows; tile or cut to `batch` (the graph's batch is dynamic)
    inputs = tuple(x[torch.arange(batch) % len(x)] for x in example)
    with torch.no_grad():
        expected = model.generate(*inputs).numpy()
    got = run_onnx(folder / name / ONNX_FILE, input_names(model), inputs)
    assert got.shape == expected.shape and got.shape[0] == batch
    if MODELS[name].page_weights == "fp32":
        np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)
    else:  # weights rounded to fp16: as grey levels, at most one level off, on at most 2% of the pixels
        assert_pixels_close(got, expected, model.output_range or (0.0, 1.0))


def grey_levels(x: np.ndarray, value_range) -> np.ndarray:
    lo, hi = value_range
    return np.round((np.clip(x, lo, hi) - lo) / (hi - lo) * 255)


def assert_pixels_close(got, expected, value_range, levels: int = 1, share: float = 0.02) -> None:
    off = np.abs(grey_levels(got, value_range) - grey_levels(expected, value_range))
    assert off.max() <= levels and (off > 0).mean() <= share, f"{(off > 0).mean():.2%} of pixels off, at most {off.max()}"


def test_fp16_weights_are_stored_as_fp16_and_cast_back_first(exported):
    onnx = pytest.importorskip("onnx")
    folder, _ = exported
    name = next(n for n in in_page_models() if MODELS[n].page_weights == "fp16")
    graph = onnx.load(str(folder / name / ONNX_FILE))
    halved = sum(i.data_type == onnx.TensorProto.FLOAT16 for i in graph.graph.initializer)
    assert halved > 0 and all(n.op_type == "Cast" for n in graph.graph.node[:halved])


def test_one_file_with_its_source_recorded(exported):
    folder, _ = exported
    for name in in_page_models():
        assert not (folder / name / (ONNX_FILE + ".data")).exists()
        assert len(onnx_metadata(folder / name / ONNX_FILE)[SOURCE_KEY]) == 64
        assert not is_stale(name, folder / name)


def test_an_export_of_other_weights_is_stale(exported, tmp_path):
    folder, models = exported
    shutil.copytree(folder / "cgan", tmp_path / "cgan")
    with torch.no_grad():
        next(models["cgan"].parameters()).add_(1.0)
    models["cgan"].save_pretrained(tmp_path / "cgan")  # new weights, the old graph beside them
    assert is_stale("cgan", tmp_path / "cgan")


@pytest.mark.parametrize("name", in_page_models())
def test_the_shipped_export_is_of_the_shipped_weights(name):
    if not (SHIPPED / name / "model.safetensors").is_file():
        pytest.skip(f"shipped weights missing: {name}")
    assert not is_stale(name, SHIPPED / name), f"checkpoints/{name}/model.onnx is stale: python -m ganapp.export onnx {name}"
