"""What a model family supplies, in one place. A family is a folder, `ganapp/families/<name>/`, and one line in
ganapp/registry.py naming its parts; `python -m ganapp.train`, `python -m ganapp.evaluate`, `python -m ganapp.reports`
and app.py then find them by these names (tests/test_families.py checks every registered family against this file):

- `model.py`: each model class the registry names (`ModelSpec.model_class_ref`), a `hub_model.HubModel` whose config
  dataclass travels with its weights;
- `recipe.py`: the class `Family.recipe` names, a `Recipe` (below): the training loop (training/loop.py) knows
  nothing else about it;
- `evaluate.py`: the function `Family.evaluation` names, and `Evaluation`'s module-level names (below), which the
  model cards and the tab's quality lines are written from;
- `tab.py`: the function `Family.tab` names (with a `tab_title`), which lays out the tab and returns its link
  parameters;
- locale texts in ganapp/locales/{en,zh-CN}.json: `tab.<family>` (its title) and every key its code names
  (tests/test_ui.py checks that each exists in both languages).
"""
from __future__ import annotations

from typing import Any, ClassVar, Protocol

import torch
from torch import nn

from .hub_model import HubModel


class Recipe(Protocol):
    """What a model family gives the training loop. Built as `Recipe(model_config, train_config, data_root,
    device)`; `python -m ganapp.train ... --set field=value` sets a field of either config."""

    model_config_class: ClassVar[type]                # the exported model's config dataclass (config.json)
    train_config_class: ClassVar[type]                # the training settings' dataclass (steps, batch size, ...)

    modules: dict[str, nn.Module]                      # every network (and stateful buffer) to save
    optimizers: dict[str, torch.optim.Optimizer]       # every optimiser to save

    def train_step(self, step: int, generator: torch.Generator) -> dict[str, float]:
        """One optimisation step; `generator` draws the data. Returns the losses to log."""

    def sample_grid(self) -> torch.Tensor:
        """A picture of progress: (C, H, W) in [0, 1], from fixed inputs."""

    def exported(self) -> dict[str, HubModel]:
        """The models to publish, by checkpoint name (e.g. {"cgan": generator})."""


class ValidatedRecipe(Recipe, Protocol):
    """A recipe that can also measure itself: the loop then keeps the best checkpoint, not the last."""

    select_by: str                                     # the key of `validate()` to maximise

    def validate(self) -> dict[str, float] | None:
        """Figures on held-out data or fresh samples (never the test set); called in eval mode. None when the
        recipe has nothing to validate on (then no best is kept and the last weights are published)."""


class Evaluation(Protocol):
    """A family's evaluate.py, as the reports read it (module-level names; the three functions are optional)."""

    CARDS: dict[str, dict[str, Any]]    # per published model: title, what, train and evaluate commands, run_dir

    def quality_line(self, metrics: dict) -> Any:
        """The measured figures in one line (a messages.Text), for the tab's quality panel and the README."""

    def plain_words(self, metrics: dict) -> Any:
        """What the model does and how well, in words a learner knows (a messages.Text): the tab's first line."""

    def below_target(self, metrics: dict) -> list:
        """What misses its bar, each a messages.Text."""
