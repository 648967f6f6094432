"""ganapp: a playground of generative models (InfoGAN, conditional GAN, CycleGAN, VAE).

    import ganapp
    generator = ganapp.load("cgan")          # checkpoints/cgan/ or the Hub; eval mode, on the best device
    ganapp.generation_config("cgan")         # its measured sampling settings, e.g. {"noise_scale": 0.8}
"""
from __future__ import annotations

import threading
from functools import lru_cache

from .hub import WeightsUnavailable, generation_config, resolve
from .registry import MODELS, spec

MODEL_NAMES = tuple(MODELS)

__all__ = ["MODEL_NAMES", "WeightsUnavailable", "generation_config", "load"]

_loading: dict[str, threading.Lock] = {}   # one per model name (dict.setdefault is atomic)


def load(name: str):
    """Model `name`, built from its config.json and strictly loaded, in eval mode, on the best device.

    Loaded once per process, on first use (a page's first visit asks for several pictures of one model at once: the
    others wait for the one loading it). Raises `WeightsUnavailable` when no weights can be found.
    """
    with _loading.setdefault(name, threading.Lock()):
        return _load(name)


@lru_cache(maxsize=None)
def _load(name: str):
    # torch is imported when a model is first loaded, not when the app starts (1.4 s sooner on screen)
    from .device import pick_device

    folder = resolve(name)
    device = pick_device()
    model = spec(name).model_class.from_pretrained(folder, map_location=str(device))
    return model.to(device).eval().requires_grad_(False)


load.cache_clear = _load.cache_clear   # tests, and evaluations that rewrite weights, forget what was loaded
