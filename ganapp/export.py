"""Export the models the page runs itself: `python -m ganapp.export onnx [name ...]`.

For every model the registry marks `in_page` (the generators and decoders whose controls a visitor drags),
writes `checkpoints/<name>/model.onnx` beside `model.safetensors`: the model's `generate` (a generator's
forward, a VAE's decoder) as one ONNX graph, weights inside the file, the batch dimension dynamic, no random
numbers inside (noise is an input: the server stays its only source). The graph's metadata records the
SHA-256 of the safetensors file it came from, so that a stale export is caught (`is_stale`, and a test).

The page runs these files with onnxruntime-web (ganapp/ui/static/), fetched as `model.onnx.gz` beside each (the
same bytes gzipped: 8% fewer on the wire for fp16 weights, 36% for StyleGAN's; the page undoes it with the browser's
DecompressionStream, as it does for the runtime; `python -m ganapp.export gzip` writes them alone). Exporting needs `onnx` and `onnxscript` (development dependencies,
requirements-dev.txt); serving needs neither.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import inspect
from pathlib import Path

import torch
from torch import nn

from .hub import local_folder
from .hub_model import HubModel
from .registry import MODELS, PAGE_FILE, in_page_models

ONNX_FILE = "model.onnx"
SOURCE_KEY = "ganapp.source_sha256"   # ONNX metadata: the SHA-256 of the model.safetensors it was exported from
INPUTS_KEY = "ganapp.inputs"          # ONNX metadata: the graph's input names, comma-separated, in order


def input_names(model: HubModel) -> list[str]:
    """The names of `generate`'s tensor inputs (the forward's, where `generate` is the forward)."""
    fn = model.forward if type(model).generate is HubModel.generate else model.generate
    return list(inspect.signature(fn).parameters)


class _Generate(nn.Module):
    """`model.generate` as a module's forward, for the exporter."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.model.generate(*inputs)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_onnx(name: str, folder: Path | None = None) -> Path:
    """Write `<folder>/model.onnx` for model `name` (default folder: its checkpoint) and return its path."""
    import onnx

    spec = MODELS[name]
    folder = Path(folder or local_folder(name))
    model = spec.model_class.from_pretrained(folder).eval()
    names = input_names(model)
    example = model.example_inputs(torch.Generator().manual_seed(0))
    batch = torch.export.Dim.DYNAMIC  # a named Dim froze the batch at the example's size in a trial here
    shapes = {n: {0: batch} for n in names}
    with torch.no_grad():
        program = torch.onnx.export(_Generate(model).eval(), example, input_names=names, output_names=["image"],
                                    dynamic_shapes=(tuple(shapes[n] for n in names),), dynamo=True,
                                    verbose=False)
    program.optimize()
    path = folder / ONNX_FILE
    from .files import atomic_path

    with atomic_path(folder / "exported.onnx") as raw:  # not the served file: that is replaced only when complete
        program.save(str(raw), external_data=False)  # one file: the weights inside, no model.onnx.data beside it
        graph = onnx.load(str(raw))
    (folder / "exported.onnx").unlink()
    if spec.page_weights == "fp16":
        store_weights_as_fp16(graph)
    for key, value in ((SOURCE_KEY, sha256_of(folder / "model.safetensors")), (INPUTS_KEY, ",".join(names))):
        entry = graph.metadata_props.add()
        entry.key, entry.value = key, value
    with atomic_path(path) as staging:
        onnx.save(graph, str(staging))
    write_page_file(folder)
    return path


def write_page_file(folder: Path) -> Path:
    """`model.onnx.gz`, the file the page fetches: the export gzipped by Zopfli (a gzip file any browser undoes, 4-5%
    smaller than gzip -9 makes it; InfoGAN's then fits the 16 MB a tab may fetch), reproducibly (no time stamp)."""
    import zopfli.gzip

    from .files import atomic_write

    page_file = Path(folder) / PAGE_FILE
    atomic_write(page_file, zopfli.gzip.compress((Path(folder) / ONNX_FILE).read_bytes()))
    return page_file


def store_weights_as_fp16(graph, min_size: int = 1024) -> None:
    """Halve the file: every float32 weight of at least `min_size` numbers is stored as float16 and cast back to
    float32 where the graph starts, so the arithmetic stays float32 (the page's runtime computes as before) and
    only the weights are rounded (about one pixel in a hundred moves by one grey level; the tests measure it)."""
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    kept, casts = [], []
    for init in graph.graph.initializer:
        values = numpy_helper.to_array(init)
        if values.dtype != np.float32 or values.size < min_size:
            kept.append(init)
            continue
        kept.append(numpy_helper.from_array(values.astype(np.float16), f"{init.name}.fp16"))
        casts.append(helper.make_node("Cast", [f"{init.name}.fp16"], [init.name], to=onnx.TensorProto.FLOAT,
                                      name=f"{init.name}.to_fp32"))
    del graph.graph.initializer[:]
    graph.graph.initializer.extend(kept)
    nodes = casts + list(graph.graph.node)
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)


def onnx_metadata(path: Path) -> dict[str, str]:
    """The metadata ganapp wrote into an exported graph (read without onnx: onnxruntime is enough)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return dict(session.get_modelmeta().custom_metadata_map)


def is_stale(name: str, folder: Path | None = None) -> bool:
    """True when `model.onnx` is missing, was exported from other weights than the model.safetensors beside it or
    from another `generate` (other input names), or when the page's `model.onnx.gz` is missing or holds other bytes
    than model.onnx."""
    folder = Path(folder or local_folder(name))
    path, page_file = folder / ONNX_FILE, folder / PAGE_FILE
    if not path.is_file():
        return True
    recorded = onnx_metadata(path)
    if recorded.get(SOURCE_KEY) != sha256_of(folder / "model.safetensors"):
        return True
    if recorded.get(INPUTS_KEY) != ",".join(input_names(MODELS[name].model_class.from_pretrained(folder))):
        return True   # exported from an older `generate` (other inputs than the page now sends)
    return not page_file.is_file() or gzip.decompress(page_file.read_bytes()) != path.read_bytes()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m ganapp.export", description=__doc__.split("\n")[0])
    p.add_argument("format", choices=["onnx", "gzip"], help="onnx: export (and gzip); gzip: only gzip model.onnx again")
    p.add_argument("names", nargs="*", help=f"models (default: all the page runs: {', '.join(in_page_models())})")
    p.add_argument("--stale-only", action="store_true", help="only those whose export is missing or stale")
    args = p.parse_args(argv)
    for name in args.names or in_page_models():
        if name not in MODELS or not MODELS[name].in_page:
            raise SystemExit(f"{name!r} is not a model the page runs; choose from {', '.join(in_page_models())}")
        if args.stale_only and not is_stale(name):
            continue
        path = export_onnx(name) if args.format == "onnx" else local_folder(name) / ONNX_FILE
        page_file = path.parent / PAGE_FILE if args.format == "onnx" else write_page_file(path.parent)
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB ({page_file.name}: {page_file.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
