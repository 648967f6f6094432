"""The photo-or-painting judge's figures: test accuracy on both classes, and how often the two non-learned
filters alone flip its verdict (it must not be a sharpness or saturation detector)."""
from __future__ import annotations

import torch

from ...hub import local_folder
from ...images import grid
from ...messages import Text, say
from ...reports import markdown_table, write_metrics
from ...training.data import IMAGE_SUFFIXES, load_image_folder, monet_photo_folder
from .augment import painterly_filter, photo_filter
from .measures import verdicts

MONET_PHOTO_DATA = ("Kaggle *I'm Something of a Painter Myself*: 240 Monet paintings (public domain) and 4,000 landscape "
                    "photos for training, of which the last 20 paintings and 200 photos (by file name) are held out for "
                    "validation and model selection; 30 paintings and 200 photos in separate test folders, used only "
                    "for the final figures.")

CARDS = {
    "domain_classifier": dict(
        data=MONET_PHOTO_DATA, tags=("ganapp", "image-classification", "monet"),
        title="Photo-or-painting judge (measures CycleGAN)",
        what="A 9-conv CNN (five max-pooled blocks of 3×3 convs with batch norm: one conv of 16 filters, then two "
             "each of 32, 64, 128 and 128), global average pooling and one logit: > 0 says Monet painting, < 0 photo. Images are "
             "area-resized to 128×128. Trained on 220 Monet paintings and 3,800 photos in balanced batches, every "
             "image randomly blurred, sharpened, re-saturated, re-contrasted, brightened and noised — both classes "
             "alike, so that none of these cheap cues separates them. The last 20 paintings and 200 photos of the "
             "training folders are held out to pick the checkpoint (best balanced accuracy, penalised when a "
             "filter fools it); the test folders are used only for the figures below.",
        train="python -m ganapp.train domain --threads 1 --validate-every 250 --export checkpoints",
        evaluate="python -m ganapp.evaluate domain"),
}


def evaluate_domain(data_root=None, seed: int = 0) -> dict:
    import ganapp

    def load_set(domain):
        return load_image_folder(monet_photo_folder("test", domain, data_root)).float() / 127.5 - 1

    photos, monets = load_set("photo"), load_set("monet")
    metrics = verdicts(ganapp.load("domain_classifier"), photos, monets)
    metrics.update(n_photo=len(photos), n_monet=len(monets))
    rows = [[f"test accuracy, photos ({len(photos)})", f"{100 * metrics['accuracy_photo']:.1f}%", "≥ 90%"],
            [f"test accuracy, Monet paintings ({len(monets)})", f"{100 * metrics['accuracy_monet']:.1f}%", "≥ 90%"],
            ["paintings after the sharpen + saturate + contrast filter, called photo",
             f"{100 * metrics['filtered_monet_called_photo']:.1f}%", "≤ 15%"],
            ["photos after the painterly filter (mode filter, warm colours), called Monet",
             f"{100 * metrics['filtered_photo_called_monet']:.1f}%", "≤ 40%"]]
    write_metrics("domain_classifier", metrics, markdown_table(["figure", "value", "target"], rows))
    # The picture: test paintings (public domain) and the app's redistributable example photos — never the test
    # photos, whose terms forbid copying them (or images made from them) into the project.
    from ..cyclegan import EXAMPLES

    shown = load_image_folder(EXAMPLES, size=monets.shape[-1]).float() / 127.5 - 1
    shown = shown[[i for i, p in enumerate(sorted(q for q in EXAMPLES.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES))
                   if p.name.startswith("photo")][:4]]
    examples = torch.cat([monets[:4], photo_filter(monets[:4]), shown, painterly_filter(shown)])
    grid(examples, nrow=4, value_range=(-1, 1)).save(local_folder("domain_classifier") / "samples.png")
    return metrics


def below_target(metrics: dict) -> list[Text]:
    """What the stored figures say misses its bar, in words (for the README and the tab)."""
    out = [say(f"below.domain_{k}", percent=100 * metrics[k]) for k in ("accuracy_photo", "accuracy_monet")
           if metrics[k] < 0.9]
    if metrics["filtered_monet_called_photo"] > 0.15:
        out.append(say("below.domain_filtered_monet", percent=100 * metrics["filtered_monet_called_photo"]))
    if metrics["filtered_photo_called_monet"] > 0.4:
        out.append(say("below.domain_filtered_photo", percent=100 * metrics["filtered_photo_called_monet"]))
    return out


def quality_line(metrics: dict) -> Text:
    return say("quality_line.domain", photos=100 * metrics["accuracy_photo"], paintings=100 * metrics["accuracy_monet"],
               sharpened=100 * metrics["filtered_monet_called_photo"], painterly=100 * metrics["filtered_photo_called_monet"])
