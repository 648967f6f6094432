"""Reports written from files: metrics tables, model cards, the README's results section.

    python -m ganapp.reports <name> [--run-dir runs/<model>] [--readme]

`write_metrics` stores an evaluation's figures (`metrics.json`) and table (`metrics.md`) beside
the weights. A card (`checkpoints/<name>/README.md`) is then assembled from what our own
commands produced: the config, the training command, the training curve (plotted from the run's
log), the sample grids and that metrics table. Run it after evaluating. The words of each card
come from its family's `evaluate.CARDS`.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import json
from pathlib import Path

from .files import atomic_write
from .hub import QUALITY_FILE, local_folder
from .messages import LANGUAGES, Text, markdown_table  # noqa: F401  (the evaluations build their tables with markdown_table)
from .registry import FAMILIES, MODELS
from .training.loop import PROVENANCE_FILE, read_log


def cards() -> dict[str, dict]:
    """Every model's card text, by model name, from its family's `evaluate.CARDS`: title, what,
    train and evaluate (the commands), and optionally data, run_dir and tags (the Hub's, default ganapp/gan/mnist)."""
    out = {}
    for family in FAMILIES.values():
        if family.evaluation:
            out.update(family.part("evaluate:CARDS"))
    return out


def write_metrics(name: str, metrics: dict, table: str) -> None:
    folder = local_folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    atomic_write(folder / "metrics.md", table + "\n")
    print(table)


@contextlib.contextmanager
def figure(path: Path, *grid, **subplots):
    """`plt.subplots(*grid, **subplots)`'s figure and axes, laid out tight, saved to `path` and closed on leaving.
    matplotlib is imported here, on its file-only backend: serving never imports it."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(*grid, **subplots)
    yield fig, axes
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def plot_curves(run_dir: Path, out: Path) -> bool:
    """Every logged loss against the step, one panel per loss. False when there is no log."""
    if not (run_dir / "log.jsonl").is_file():
        return False
    rows = [r for r in read_log(run_dir) if "validation" not in r]  # losses only
    keys = [k for k in rows[0] if k not in ("step", "seconds")]
    steps = [r["step"] for r in rows]
    with figure(out, 1, len(keys), figsize=(3.2 * len(keys), 2.6), dpi=100, squeeze=False) as (_, axes):
        for ax, key in zip(axes[0], keys):
            ax.plot(steps, [r[key] for r in rows], lw=0.8)
            ax.set_title(key)
            ax.set_xlabel("step")
    return True


def judgements(name: str) -> dict | None:
    """Model `name`'s quality in one line and what misses its target, from its stored metrics and its
    family's `quality_line` / `below_target`; None when it has no metrics (or no judge)."""
    family = FAMILIES[MODELS[name].family]
    module = importlib.import_module(f"{family.package}.evaluate")
    metrics_file = local_folder(name) / "metrics.json"
    if not metrics_file.is_file() or not hasattr(module, "quality_line"):
        return None
    metrics = json.loads(metrics_file.read_text())
    main = local_folder(family.models[0].name) / "metrics.json"
    if name != family.models[0].name and (not main.is_file() or json.loads(main.read_text()) != metrics):
        return None  # the judges read the family's main figures (vae2d has others)
    below = getattr(module, "below_target", lambda m: [])(metrics)  # messages.Text each
    line = module.quality_line(metrics)
    # Every text in every language, from the locale files (messages.py): the tab shows the visitor's.
    judged = {"line": {lang: line.render(lang) for lang in LANGUAGES},
              "below_target": {lang: [b.render(lang) for b in below] for lang in LANGUAGES}}
    if hasattr(module, "plain_words"):  # the tab's first line, in words a learner knows
        plain = module.plain_words(metrics)
        judged["plain"] = {lang: plain.render(lang) for lang in LANGUAGES}
    return judged


def write_quality(name: str) -> Path | None:
    """`checkpoints/<name>/quality.json`, what the tab shows about the model."""
    judged = judgements(name)
    if judged is None:
        return None
    path = local_folder(name) / QUALITY_FILE
    atomic_write(path, json.dumps(judged, indent=2, ensure_ascii=False) + "\n")
    return path


def provenance_line(folder: Path) -> str:
    """Which step of which run the weights are, from the provenance.json that publishing wrote beside them."""
    path = folder / PROVENANCE_FILE
    if not path.is_file():
        return ("Provenance: not recorded (these weights were published before `--export` recorded which step it "
                "copied; the training command above says which checkpoint was shipped).")
    p = json.loads(path.read_text())
    chosen = ("the best by validation" if p["chosen"] != "last" else "the last weights (the run kept no best)")
    of = f" of {p['run_steps']:,}" if p.get("run_steps") else ""
    return f"Provenance: step {p['step']:,}{of} of run `{p['run']}`, {chosen} (`provenance.json`)."


def onnx_section(name: str, folder: Path) -> list[str]:
    """How to run the exported graph (model.onnx, when there is one) with onnxruntime in Python."""
    if not (folder / "model.onnx").is_file():
        return []
    from .export import input_names

    model = MODELS[name].model_class.from_pretrained(folder)
    example = model.example_inputs(__import__("torch").Generator().manual_seed(0))
    feeds = ", ".join(f'"{n}": {_numpy_literal(x)}' for n, x in zip(input_names(model), example))
    size = (folder / "model.onnx").stat().st_size / 1e6
    return ["## ONNX (what the app's page runs)", "",
            f"`model.onnx` ({size:.1f} MB, written by `python -m ganapp.export onnx {name}`) computes `generate` "
            f"with any batch size; its metadata records the SHA-256 of the `model.safetensors` it came from"
            + (" (weights stored as fp16, computed in fp32)" if MODELS[name].page_weights == "fp16" else "") + ".", "",
            "```python", "import numpy as np, onnxruntime", "",
            'session = onnxruntime.InferenceSession("model.onnx")',
            f"images = session.run(None, {{{feeds}}})[0]   # {tuple(model.generate(*example).shape)}, range "
            f"{model.output_range}", "```", ""]


def _numpy_literal(x) -> str:
    """A short numpy expression with the dtype and shape of the example tensor `x`."""
    if x.dtype.is_floating_point:
        return f"np.random.randn{tuple(x.shape)}.astype(np.float32)".replace(",)", ")")
    return f"np.array({x.tolist()}, dtype=np.int64)"


def write_card(name: str, run_dir: Path | None = None) -> Path:
    write_quality(name)
    folder = local_folder(name)
    card = cards()[name]
    run_dir = Path(run_dir or card.get("run_dir", f"runs/{name}"))
    config = json.loads((folder / "config.json").read_text())
    metrics = (folder / "metrics.md").read_text() if (folder / "metrics.md").is_file() else "_not evaluated yet_"
    # Re-plotted when the run's log is here; otherwise the curve plotted when the model was trained.
    has_curve = plot_curves(run_dir, folder / "training_curve.png") or (folder / "training_curve.png").is_file()
    lines = [
        "---", "license: mit", "library_name: pytorch", f"tags: [{', '.join(card.get('tags', ('ganapp', 'gan', 'mnist')))}]",
        "---", "",
        f"# {card['title']}", "", card["what"], "",
        "## Data", "", card.get("data", "MNIST (LeCun, Cortes and Burges): 60,000 training digits; the 10,000 test "
                                      "digits are used only for evaluation."), "",
        "## Use", "", "```python", "import ganapp", f'model = ganapp.load("{name}")  # this folder, or the Hub', "```", "",
        "Config (`config.json`, rebuilt on load, weights loaded strictly):", "", "```json",
        json.dumps(config, indent=2), "```", "",
        "## Training", "", f"```\n{card['train']}\n```", "", provenance_line(folder), "",
    ]
    lines += onnx_section(name, folder)
    if has_curve:
        lines += ["![training curves](training_curve.png)", ""]
    lines += ["## Results", "", f"Measured by `{card['evaluate']}`:", "", metrics, ""]
    for image in ("samples.png", "samples_slant.png", "samples_width.png", "samples_fine_mix.png", "samples_truncation.png", "latent_scatter.png", "runs.png", "interpolation.png",
                  "mse_by_size.png", "maps_2d.png", "augmentation.png", "sharpness_strip.png"):
        if (folder / image).is_file():
            lines += [f"![{image[:-4].replace('_', ' ')}]({image})", ""]
    atomic_write(folder / "README.md", "\n".join(lines))
    return folder / "README.md"


README = Path(__file__).resolve().parent.parent / "README.md"


def splice_readme(section: str, body: str, readme: Path = README) -> None:
    """Replace what lies between `<!-- {section}:start -->` and `<!-- {section}:end -->` in the README with
    `body`: the one way commands write their figures into it."""
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    head, rest = readme.read_text().split(start, 1)
    atomic_write(readme, head + start + "\n" + body.rstrip("\n") + "\n" + end + rest.split(end, 1)[1])


def update_readme(readme: Path = README) -> None:
    """Replace the README's results section with every model's metrics.md and sample grid."""
    parts, shown = [], set()
    texts = cards()
    for name in MODELS:
        folder = local_folder(name)
        table = (folder / "metrics.md").read_text() if (folder / "metrics.md").is_file() else None
        if name not in texts or table is None or table in shown:  # models evaluated together share one table
            continue
        shown.add(table)
        title = texts[name]["title"]
        parts += [f"### {title} — `{texts[name]['evaluate']}`", "", table.strip(), ""]
        if (folder / "samples.png").is_file():
            parts += [f"![{title} samples](checkpoints/{name}/samples.png)", ""]
    shortfalls = []
    for family in FAMILIES.values():
        judged = judgements(family.models[0].name) if family.evaluation else None
        shortfalls += judged["below_target"]["en"] if judged else []
    summary = ("**Below target in this release** (from the stored metrics): " + "; ".join(shortfalls) + "."
               if shortfalls else "Every model meets its targets (from the stored metrics).")
    splice_readme("results", "\n".join([summary, ""] + parts), readme)


def main(argv=None) -> None:
    texts = cards()
    p = argparse.ArgumentParser(prog="python -m ganapp.reports")
    p.add_argument("names", nargs="*", help=f"models whose cards to write: {', '.join(sorted(texts))}")
    p.add_argument("--run-dir", type=Path, help="training run whose log gives the curves")
    p.add_argument("--readme", action="store_true", help="also refresh the README's results section")
    args = p.parse_args(argv)
    unknown = set(args.names) - set(texts)
    if unknown:
        p.error(f"unknown model(s): {', '.join(sorted(unknown))}")
    for name in args.names:
        print(write_card(name, args.run_dir))
    if args.readme:
        update_readme()


if __name__ == "__main__":
    main()
