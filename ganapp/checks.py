"""Input checks shared by every family's inference: each accepts what a web client may send
(3.0 for 3, strings of numbers) and refuses everything else with a short message for the user."""
from __future__ import annotations

import json
import math

from .messages import Text, say, strings

MAX_SEED = 2**32 - 1


def parse_value(raw: str):
    """A command-line value as JSON when it parses (1e4, true, [1, 2]), else the string itself."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


class InvalidInput(ValueError):
    """An input outside what a function accepts. The message is meant for the user: `InvalidInput("key",
    name="seed")` names a text in ganapp/locales, shown in the visitor's language (str(e) is English)."""

    def __init__(self, key: str, **params):
        if isinstance(params.get("name"), str) and f"param.{params['name']}" in strings("en"):
            params["name"] = say(f"param.{params['name']}")   # "The seed (seed)": for people, naming the parameter
        self.text: Text = say(key, **params)
        super().__init__(str(self.text))


def check_int(name: str, value, lo: int, hi: int) -> int:
    """`value` as an int in [lo, hi], accepting integral floats (web clients send 3.0 for 3)."""
    if isinstance(value, bool) or value is None:
        raise InvalidInput("check.integer", name=name, lo=lo, hi=hi)
    try:
        as_float = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("check.integer", name=name, lo=lo, hi=hi) from None
    if not as_float.is_integer() or not lo <= as_float <= hi:
        raise InvalidInput("check.integer_got", name=name, lo=lo, hi=hi, value=value)
    return int(as_float)


def check_float(name: str, value, lo: float, hi: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("check.number", name=name, lo=lo, hi=hi) from None
    if not math.isfinite(v) or not lo <= v <= hi:
        raise InvalidInput("check.number_got", name=name, lo=lo, hi=hi, value=value)
    return v


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise InvalidInput("check.choice", name=name, choices=", ".join(map(repr, choices)))
    return value


def check_text(name: str, value, max_chars: int) -> str:
    if not isinstance(value, str):
        raise InvalidInput("check.text", name=name)
    if len(value) > max_chars:
        raise InvalidInput("check.text_length", name=name, length=len(value), max_chars=max_chars)
    return value
