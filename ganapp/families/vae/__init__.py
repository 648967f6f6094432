"""The VAE: one digit morphs into another through the latent space; maps of two 2-d latent planes."""
from __future__ import annotations

from ... import generation_config

METHODS = ("lerp", "slerp", "even")   # "even": the lerp path, re-spaced so that frames change evenly
EVEN_SAMPLES = 129                        # points of the lerp path decoded to measure where the picture changes
MAP_MODELS = ("vae2d", "ae2d")   # the two 2-d models whose latent planes the tab draws side by side
MAP_SCALE = 2                    # each decoded tile of a map is shown 28 px x 2


def map_square(model: str) -> tuple[float, float, float]:
    """(x0, y0, side) of the square over `model`'s latent plane that holds 98% of its test encodings,
    measured by `python -m ganapp.evaluate vae` and stored with the model; [-3, 3]^2 until then."""
    x0, y0, side = generation_config(model).get("map_square", (-3.0, -3.0, 6.0))
    return float(x0), float(y0), float(side)
