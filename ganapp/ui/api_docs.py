"""The "Use via API" page and `gradio_client`'s `view_api()`, as a stranger reads them: every parameter of every
public endpoint with its English label, its real type (an integer choice is an integer, a whole-number slider an
integer) and a description of what it accepts, so that the example calls they show succeed as shown.

Gradio builds that description from the components: their labels are translation markers (shown as
"[object Object]"), a Radio always says its values are strings, and a Slider says nothing of its range.
`document(demo)` corrects the description it serves; the endpoints themselves are unchanged.
"""
from __future__ import annotations

import gradio as gr

from .i18n import I18N


def english(label) -> str:
    """A component's label in English (a gr.I18n marker, or the dict it becomes in the config)."""
    key = label.get("key") if isinstance(label, dict) else getattr(label, "key", None)
    return I18N.translations["en"].get(key, key) if key else str(label)


def _describe(component) -> tuple[str, str, dict]:
    """(python type, description, JSON schema) of what `component` accepts as an API input."""
    if isinstance(component, (gr.Radio, gr.Dropdown)):
        values = [value for _, value in component.choices]
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return ("int", f"one of {', '.join(map(str, values))}",
                    {"type": "integer", "enum": values})
        return (f"Literal[{', '.join(map(repr, values))}]", f"one of {', '.join(map(repr, values))}",
                {"type": "string", "enum": values})
    if isinstance(component, gr.Slider):
        whole = component.step == int(component.step) and float(component.minimum).is_integer()
        lo, hi = (int(component.minimum), int(component.maximum)) if whole else (component.minimum, component.maximum)
        kind = "an integer" if whole else "a number"
        return ("int" if whole else "float", f"{kind} from {lo} to {hi}",
                {"type": "integer" if whole else "number", "minimum": lo, "maximum": hi})
    if isinstance(component, gr.Number) and component.precision == 0:
        lo, hi = getattr(component, "api_range", (component.minimum, component.maximum))
        bounds = f" from {int(lo)} to {int(hi)}" if lo is not None and hi is not None else ""
        return "int", f"an integer{bounds}", {"type": "integer"}
    if isinstance(component, gr.Textbox):
        limit = f" of at most {component.max_length} characters" if component.max_length else ""
        return "str", f"a text{limit}", {"type": "string"}
    return "", "", {}


def document(demo: gr.Blocks) -> None:
    """Serve a corrected API description for `demo` (see the module's docstring)."""
    build = demo.get_api_info

    def api_info(*args, **kwargs):  # Gradio passes e.g. all_endpoints=True for the "Use via API" page
        info = build(*args, **kwargs)
        for name, endpoint in (info or {}).get("named_endpoints", {}).items():
            fn = next((f for f in demo.fns.values() if f"/{f.api_name}" == name), None)
            shown = [c for c in (fn.inputs if fn else []) if not getattr(c, "skip_api", False)]
            for parameter, component in zip(endpoint["parameters"], shown):
                label = english(parameter["label"])
                parameter["label"] = parameter["parameter_name"] if label.startswith("parameter_") else label
                python_type, description, schema = _describe(component)
                if python_type:
                    parameter["python_type"] = {"type": python_type, "description": description}
                    parameter["type"] = {**(parameter.get("type") or {}), **schema}
            for value in endpoint.get("returns", []):
                value["label"] = english(value["label"])
        return info

    demo.get_api_info = api_info
