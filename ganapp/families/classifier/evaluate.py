"""The MNIST evaluator's own figure: its test accuracy. Its verdicts judge every generator."""
from __future__ import annotations

from ...metrics import evaluator_outputs
from ...reports import markdown_table, write_metrics
from ...training.data import MNISTSampler

CARDS = {
    "classifier": dict(
        title="MNIST evaluator (small CNN)",
        what="A 4-conv CNN (two blocks of two 3×3 convs, batch norm, max-pool) with a 128-d penultimate layer. "
             "It is the judge for the generators: its predicted labels give label accuracies, its 128-d features "
             "the Fréchet distances.",
        train="python -m ganapp.train classifier --export checkpoints",
        evaluate="python -m ganapp.evaluate classifier"),
}


def evaluate_classifier(data_root=None, seed: int = 0) -> dict:
    test = MNISTSampler("test", data_root)
    preds, _ = evaluator_outputs(test.images)
    acc = float((preds == test.labels).float().mean())
    table = markdown_table(["figure", "value"], [["MNIST test accuracy (10,000 images)", f"{100 * acc:.2f}%"]])
    write_metrics("classifier", {"test_accuracy": acc}, table)
    return {"test_accuracy": acc}
