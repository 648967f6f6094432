"""One package per model family; `ganapp.registry` names them all."""
