"""The claims family's models: small GANs trained on only N labelled digits, and the classifier they help (or not).

The generators are the conditional GAN's architecture (`cgan/model.py`), narrower: the conditional one (arm (d))
draws the digit it is asked for; the unconditional one is the same network with a single class, whose samples
carry no label and are labelled by the three rules of `augment.py`. The classifier is the evaluator's CNN
(`classifier/model.py`), with one more output for the "generated" class where arm (a) needs it.
"""
from __future__ import annotations

from ..cgan.model import CGANConfig, CGANGenerator  # noqa: F401  (the registry rebuilds these by name)
from ..classifier.model import ClassifierConfig, MNISTClassifier  # noqa: F401
