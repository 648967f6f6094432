"""The base of every shipped network: its config travels with its weights.

`save_pretrained(folder)` writes `config.json` (the model's config dataclass) and `model.safetensors`;
`from_pretrained(folder_or_repo_id)` rebuilds the exact architecture from that config and loads the weights with
strict key checking. This is huggingface_hub's `PyTorchModelHubMixin` layout, so a folder can be pushed to a Hub
model repo unchanged (`hub.push`); `hub.resolve` finds the folder.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from huggingface_hub import PyTorchModelHubMixin, constants, hf_hub_download
from safetensors.torch import load_model
from torch import nn


class HubModel(nn.Module, PyTorchModelHubMixin):
    """Base for the shipped networks. Subclasses take one argument: `config`, a dataclass."""

    config_class: type   # the config dataclass; `config.json` holds its fields
    config: object
    output_range: tuple[float, float] | None = (-1.0, 1.0)  # of `generate`, None when unbounded

    def example_inputs(self, generator) -> tuple:
        """A few valid inputs for `generate`: the test suite checks every registered model with them."""
        raise NotImplementedError

    def generate(self, *inputs):
        """What the model is for (a generator's forward, a VAE's decoder), on `example_inputs`."""
        return self(*inputs)

    @classmethod
    def _from_pretrained(cls, *, model_id: str, revision, cache_dir, force_download, local_files_only, token,
                         map_location: str = "cpu", strict: bool = True, **model_kwargs):
        # Replaces the mixin's loader for two reasons: it defaults to strict=False (a checkpoint
        # with missing or extra keys would load and fail later, or not at all), and when
        # model.safetensors is missing it falls back to a pickled pytorch_model.bin. Ours reads
        # model.safetensors, strictly, or fails.
        if not strict:
            raise ValueError("ganapp models always load strictly: weights must match config.json")
        config = model_kwargs.pop("config", None)
        if isinstance(config, dict):  # config.json as read by the mixin: rebuild the dataclass
            config = cls.config_class(**config)  # unknown fields raise: no silent mismatch
        model = cls(config, **model_kwargs)
        if os.path.isdir(model_id):
            weights = Path(model_id) / constants.SAFETENSORS_SINGLE_FILE
            if not weights.is_file():
                raise FileNotFoundError(f"{weights} is missing (ganapp loads safetensors only)")
        else:
            weights = hf_hub_download(model_id, constants.SAFETENSORS_SINGLE_FILE, revision=revision,
                                      cache_dir=cache_dir, force_download=force_download,
                                      local_files_only=local_files_only, token=token)
        load_model(model, weights, strict=True, device=str(map_location))
        return model.eval()

    def extra_repr(self) -> str:
        return ", ".join(f"{f.name}={getattr(self.config, f.name)!r}" for f in dataclasses.fields(self.config))
