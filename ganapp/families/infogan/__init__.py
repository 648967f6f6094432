"""InfoGAN: a digit through the category the evaluation picked for it, and two continuous codes."""
from __future__ import annotations

from ... import generation_config


def digit_mapping() -> list[int] | None:
    """category_to_digit[c] = the digit category c stands for (-1: a category the app leaves out, when
    over-clustered), as measured by `python -m ganapp.evaluate infogan`; None when not measured."""
    mapping = generation_config("infogan").get("category_to_digit", [])
    return mapping if sorted(d for d in mapping if d >= 0) == list(range(10)) else None
