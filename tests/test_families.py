"""The family layout's promises: a new family is one folder and one registry entry, and serving
never imports training or evaluation code."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ganapp import registry

ROOT = Path(__file__).resolve().parent.parent

# A whole family, as a newcomer would write it: a linear "generator" from a seed to a 28x28 image.
TOY_FILES = {
    "__init__.py": "",
    "model.py": """
        from dataclasses import dataclass

        import torch
        from torch import nn

        from ganapp.hub_model import HubModel


        @dataclass(frozen=True)
        class ToyConfig:
            z_dim: int = 4   # noise size


        class ToyGenerator(HubModel):
            config_class = ToyConfig

            def example_inputs(self, generator):
                return (torch.randn(3, self.config.z_dim, generator=generator),)

            def __init__(self, config: ToyConfig):
                super().__init__()
                self.config = config
                self.net = nn.Sequential(nn.Linear(config.z_dim, 784), nn.Tanh(), nn.Unflatten(1, (1, 28, 28)))

            def forward(self, z):
                return self.net(z)
        """,
    "inference.py": """
        import torch

        from ganapp import load
        from ganapp.checks import MAX_SEED, check_int
        from ganapp.images import to_pil
        from ganapp.sampling import seeded_noise


        @torch.inference_mode()
        def toy_generate(seed):
            seed = check_int("seed", seed, 0, MAX_SEED)
            g = load("toy")
            return to_pil(g(seeded_noise(seed, 1, g.config.z_dim))[0], (-1, 1))
        """,
    "tab.py": """
        import gradio as gr

        from ganapp.ui.controls import seed_control
        from ganapp.ui.handlers import POOL, handler

        from .inference import toy_generate


        def build(demo):
            seed = seed_control("toy")
            image = gr.Image(label="Sample", type="pil", format="png")
            seed.change(handler(toy_generate, models=POOL), inputs=seed, outputs=image, api_name="toy_generate")
        """,
    "recipe.py": """
        from dataclasses import dataclass

        import torch
        from torchvision.utils import make_grid

        from .model import ToyConfig, ToyGenerator


        @dataclass
        class ToyTrainConfig:
            steps: int = 2
            lr: float = 1e-2


        class ToyRecipe:
            model_config_class = ToyConfig
            train_config_class = ToyTrainConfig

            def __init__(self, model, train, data_root=None, device="cpu"):
                self.g = ToyGenerator(model)
                self.opt = torch.optim.SGD(self.g.parameters(), train.lr)
                self.modules, self.optimizers = {"g": self.g}, {"g": self.opt}

            def train_step(self, step, generator):
                loss = self.g(torch.randn(4, self.g.config.z_dim, generator=generator)).pow(2).mean()
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                return {"loss": loss.item()}

            def sample_grid(self):
                return make_grid(self.g(torch.zeros(1, self.g.config.z_dim)), normalize=True)

            def exported(self):
                return {"toy": self.g}
        """,
    "evaluate.py": """
        from ganapp import load
        from ganapp.reports import markdown_table, write_metrics

        from .inference import toy_generate

        CARDS = {"toy": dict(title="Toy generator", what="A linear map.", train="python -m ganapp.train toy",
                             evaluate="python -m ganapp.evaluate toy")}


        def evaluate_toy(data_root=None, seed=0, scale: float = 1.0):
            figures = {"mean_weight": scale * float(load("toy").net[0].weight.abs().mean())}
            write_metrics("toy", figures, markdown_table(["figure", "value"], [["mean |w|", figures["mean_weight"]]]))
            toy_generate(seed).save(__import__("ganapp.hub").hub.local_folder("toy") / "samples.png")
            return figures
        """,
}


@pytest.fixture
def toy_family(tmp_path, monkeypatch):
    """The toy family's folder on sys.path and its one registry line, both undone afterwards."""
    package = tmp_path / "toyfam"
    package.mkdir()
    for name, text in TOY_FILES.items():
        (package / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    family = registry.Family("toy", (registry.ModelSpec("toy", "model:ToyGenerator", "toy generator"),),
                             tab_title="Toy", recipe="recipe:ToyRecipe", evaluation="evaluate:evaluate_toy",
                             package="toyfam")
    # What `registry.register(family)` does, undone after the test.
    monkeypatch.setitem(registry.FAMILIES, family.name, family)
    monkeypatch.setitem(registry.MODELS, "toy", family.models[0])
    return family


def test_a_new_family_is_trained_evaluated_and_served_with_no_other_change(toy_family, tmp_path, use_checkpoints,
                                                                           tiny_checkpoints, monkeypatch):
    import shutil

    from ganapp import evaluate, reports, train

    checkpoints = tmp_path / "checkpoints"
    shutil.copytree(tiny_checkpoints, checkpoints)
    use_checkpoints(checkpoints)

    # Trainable: the CLI finds its recipe, trains, exports loadable weights.
    train.main(["toy", "--run-dir", str(tmp_path / "run"), "--threads", "1", "--export", str(checkpoints)])
    assert (checkpoints / "toy" / "model.safetensors").is_file()
    # Evaluable: the CLI finds its evaluation and passes its options; the card is written from files.
    evaluate.main(["toy", "--set", "scale=2"])
    assert json.loads((checkpoints / "toy" / "metrics.json").read_text())["mean_weight"] > 0
    reports.main(["toy"])
    assert "Toy generator" in (checkpoints / "toy" / "README.md").read_text()
    # Served: the app builds its tab and its endpoint answers.
    import app

    demo = app.build_demo()
    assert "toy_generate" in {d.api_name for d in demo.fns.values()}
    fn = next(d.fn for d in demo.fns.values() if d.api_name == "toy_generate")
    assert Path(fn(3)).read_bytes()[:4] == b"\x89PNG"


def test_the_page_is_built_without_torch_and_serving_imports_no_training_or_evaluation_code():
    """`python app.py` builds every tab without importing torch (1.4 s of its start: a tab's inference, and torch,
    are imported when a model first runs); then every tab's inference (or live) module, as the handlers import
    them, and still no training or evaluation code."""
    code = ("import importlib, sys, app\n"
            "print('torch' in sys.modules)\n"
            "for tab in [m for m in list(sys.modules) if m.startswith('ganapp.families.') and m.endswith('.tab')]:\n"
            "    for part in ('inference', 'live'):\n"
            "        try:\n"
            "            importlib.import_module(tab[:-3] + part)\n"
            "        except ModuleNotFoundError as e:\n"
            "            if e.name != tab[:-3] + part:\n"
            "                raise\n"
            "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('ganapp'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={"HF_HUB_OFFLINE": "1", "PATH": ""}).stdout.split()
    assert out[0] == "False", "building the page imported torch"
    assert any(m.endswith(".tab") for m in out) and any(m.endswith(".inference") for m in out)
    offending = [m for m in out if m.split(".")[-1] in ("recipe", "evaluate", "training", "loop", "data", "metrics",
                                                       "reports", "train")]
    assert not offending, offending


@pytest.mark.parametrize("name", sorted(registry.FAMILIES))
def test_every_registered_family_keeps_the_contract(name):
    """Every name the registry gives resolves, and each part has what ganapp/contracts.py says the CLIs and the app
    look up on it: a family is its folder, its registry line and its locale texts, nothing else."""
    import inspect
    import json

    from ganapp.contracts import Evaluation, Recipe
    from ganapp.hub_model import HubModel

    family = registry.FAMILIES[name]
    texts = {lang: json.loads((ROOT / "ganapp" / "locales" / f"{lang}.json").read_text()) for lang in ("en", "zh-CN")}
    for spec in family.models:
        assert issubclass(spec.model_class, HubModel), spec.name
    if family.recipe:
        recipe = family.part(family.recipe)
        wanted = {n for n in dir(Recipe) if not n.startswith("_")} | set(Recipe.__annotations__)
        if hasattr(recipe, "validate"):   # a ValidatedRecipe: the loop keeps its best by `select_by`
            wanted |= {"select_by"}
        for attr in wanted - {"modules", "optimizers"}:   # those two are set on an instance
            assert hasattr(recipe, attr), f"{name}: its recipe lacks {attr}"
        assert list(inspect.signature(recipe).parameters)[2:4] == ["data_root", "device"], name
    if family.evaluation:
        assert callable(family.part(family.evaluation))
        module = __import__(f"{family.package}.evaluate", fromlist=["CARDS"])
        assert set(module.CARDS) >= {m.name for m in family.models}, f"{name}: a model without a card"
        for attr in ("quality_line", "plain_words", "below_target"):   # each optional: the reports skip what lacks
            assert attr in Evaluation.__dict__ and callable(getattr(module, attr, print)), f"{name}: {attr}"
    if family.tab_title:
        assert callable(family.part(family.tab))
        for lang in texts:
            assert f"tab.{name}" in texts[lang], f"{name}: no tab title in {lang}"
