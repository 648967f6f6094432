"""ganapp: a playground of generative models (InfoGAN, conditional GAN, CycleGAN, VAE).

    import ganapp
    generator = ganapp.load("cgan")          # checkpoints/cgan/ or the Hub; eval mode, on the best device
    ganapp.generation_config("cgan")         # its measured sampling settings, e.g. {"noise_scale": 0.8}
"""
from __future__ import annotations

from functools import lru_cache

from .hub import WeightsUnavailable, generation_config, resolve
from .registry import MODELS, spec

MODEL_NAMES = tuple(MODELS)

__all__ = ["MODEL_NAMES", "WeightsUnavailable", "generation_config", "load"]


@lru_cache(maxsize=None)
def load(name: str):
    """Model `name`, built from its config.json and strictly loaded, in eval mode, on the best device.

    Loaded once per process. Raises `WeightsUnavailable` when no weights can be found.
    """
    # torch is imported when a model is first loaded, not when the app starts (1.4 s sooner on screen)
    from .device import pick_device

    folder = resolve(name)
    device = pick_device()
    model = spec(name).model_class.from_pretrained(folder, map_location=str(device))
    return model.to(device).eval().requires_grad_(False)
