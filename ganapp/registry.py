"""The one table of names: every model family, the weights it publishes, and where its parts live.

A family is one folder, `ganapp/families/<name>/` (or any importable package):

    model.py      config dataclass + nn.Modules; knows nothing of training or screens
    inference.py  pure functions (inputs, seed) -> image, with input checks
    tab.py        its Gradio tab: `build(demo)`, handlers first, then layout
    recipe.py     its training step for the one loop (training only)
    evaluate.py   its figures and its model cards' text (evaluation only)

The app, `python -m ganapp.train|evaluate|reports` and the tests find families here and nowhere
else. Parts are named as "module:attribute" inside the family's package and imported only when
asked, so serving never imports training or evaluation code. Adding a family is its folder and
one `Family(...)` line below.

Weights are looked for in `checkpoints/<name>/` first, then on the Hugging Face Hub in
`<GANAPP_HUB_ORG>/ganapp-<name>` at the pinned `revision` (`GANAPP_HUB_REVISION` overrides).
"""
from __future__ import annotations

import dataclasses
import importlib
import os
from dataclasses import dataclass, field

DEFAULT_HUB_ORG = "ganapp"
PINNED_REVISION = "v1"  # a tag on each model repo, set by `python -m ganapp.hub push --tag v1`


def _import(package: str, ref: str):
    """`ref` is "module:attribute" relative to `package`, e.g. "model:CGANGenerator"."""
    module, _, attribute = ref.partition(":")
    return getattr(importlib.import_module(f"{package}.{module}"), attribute)


@dataclass(frozen=True)
class ModelSpec:
    name: str                     # checkpoint folder and Hub repo suffix
    model_class_ref: str          # "model:Class", rebuilt from config.json, then loaded strictly
    summary: str                  # one line, for model cards and error messages
    tiny: dict = field(default_factory=dict, hash=False)  # config fields of a seconds-fast instance, for tests
    tiny_generation: dict = field(default_factory=dict, hash=False)  # its generation_config.json, for tests
    training: tuple[str, ...] = ()  # `--set` presets that make its family's recipe train this model, for
                                    # `python -m ganapp.train <name>` (a family's other models, e.g. vae2d)
    in_page: bool = False         # the page runs its `generate` itself (model.onnx, `python -m ganapp.export onnx`)
    page_weights: str = "fp32"    # how model.onnx stores its weights: "fp32", or "fp16" (half the bytes on the wire,
                                  # cast back to fp32 in the graph) for the large ones
    family: str = ""              # filled in by Family: the family that trains and evaluates it
    package: str = ""             # filled in by Family: where `model_class_ref` is looked up

    @property
    def model_class(self):
        return _import(self.package, self.model_class_ref)

    @property
    def repo_id(self) -> str:
        return f"{os.environ.get('GANAPP_HUB_ORG', DEFAULT_HUB_ORG)}/ganapp-{self.name}"

    @property
    def revision(self) -> str:
        return os.environ.get("GANAPP_HUB_REVISION", PINNED_REVISION)


@dataclass(frozen=True)
class Family:
    name: str                        # `python -m ganapp.train <name>`, `python -m ganapp.evaluate <name>`
    models: tuple[ModelSpec, ...]    # the weights it publishes, first = its main model
    tab_title: str | None = None     # its tab's title in the app; None: no tab (e.g. the evaluator)
    recipe: str | None = None        # "recipe:Class": its training recipe (contracts.Recipe), None: none
    evaluation: str | None = None    # "evaluate:function": writes its metrics and figures (contracts.py), None: none
    tab: str = "tab:build"           # "tab:function" that lays out its tab, when it has a title
    tiny_training: tuple[str, ...] = ()  # `--set` overrides that make its recipe seconds-fast, for tests
    package: str = ""                # default: ganapp.families.<name>

    def __post_init__(self):
        package = self.package or f"ganapp.families.{self.name}"
        object.__setattr__(self, "package", package)
        models = tuple(dataclasses.replace(m, family=self.name, package=package) for m in self.models)
        object.__setattr__(self, "models", models)

    def part(self, ref: str):
        """Import one of the family's parts, e.g. `family.part("tab:build")`."""
        return _import(self.package, ref)


FAMILIES: dict[str, Family] = {}
MODELS: dict[str, ModelSpec] = {}


def register(family: Family) -> Family:
    """Add a family (and its models) to the table; the app, CLIs and tests then find it."""
    FAMILIES[family.name] = family
    MODELS.update((m.name, m) for m in family.models)
    return family


# The tabs appear in this order.
for _family in [
    Family("infogan",
           (ModelSpec("infogan", "model:InfoGANGenerator", "InfoGAN generator, MNIST", in_page=True, page_weights="fp16",
                      tiny=dict(z_dim=8, hidden=32),
                      tiny_generation=dict(category_to_digit=[3, 1, 4, 0, 5, 9, 2, 6, 8, 7],
                                           continuous_names=["slant", "width"])),),
           tab_title="InfoGAN", recipe="recipe:InfoGANRecipe", evaluation="evaluate:evaluate_infogan",
           tiny_training=("z_dim=8", "hidden=32", "batch_size=8")),
    Family("cgan",
           (ModelSpec("cgan", "model:CGANGenerator", "conditional DCGAN generator, MNIST", in_page=True,
                      tiny=dict(z_dim=8, embed_dim=4, g_width=8, d_width=8)),),
           tab_title="Conditional GAN", recipe="recipe:CGANRecipe", evaluation="evaluate:evaluate_cgan",
           tiny_training=("z_dim=8", "g_width=8", "d_width=8", "batch_size=8")),
    Family("cyclegan",
           (ModelSpec("cyclegan_photo2monet", "model:CycleGANGenerator", "CycleGAN generator, photo -> Monet",
                      tiny=dict(base_filters=4, n_blocks=1)),
            ModelSpec("cyclegan_monet2photo", "model:CycleGANGenerator", "CycleGAN generator, Monet -> photo",
                      tiny=dict(base_filters=4, n_blocks=1))),
           tab_title="CycleGAN", recipe="recipe:CycleGANRecipe", evaluation="evaluate:evaluate_cyclegan",
           tiny_training=("base_filters=4", "n_blocks=1", "disc_filters=4", "crop=32", "pool_size=2")),
    Family("vae",
           (ModelSpec("vae", "model:VAE", "convolutional VAE, 16-d latent, MNIST", in_page=True, page_weights="fp16",
                      tiny=dict(latent_dim=4, width=4, hidden=16)),
            ModelSpec("vae2d", "model:VAE", "convolutional VAE, 2-d latent, MNIST", in_page=True,
                      tiny=dict(latent_dim=2, width=4, hidden=16),
                      training=("latent_dim=2", "export_name=vae2d", "validation_size=0", "steps=4000"),
                      tiny_generation=dict(map_square=[-3.0, -3.0, 6.0])),
            ModelSpec("ae2d", "model:VAE", "plain convolutional autoencoder, 2-d latent, MNIST (beside vae2d)", in_page=True,
                      tiny=dict(latent_dim=2, width=4, hidden=16, variational=False),
                      training=("latent_dim=2", "variational=false", "export_name=ae2d", "validation_size=0", "steps=4000"),
                      tiny_generation=dict(map_square=[-5.0, -4.0, 10.0]))),
           tab_title="VAE", recipe="recipe:VAERecipe", evaluation="evaluate:evaluate_vae",
           tiny_training=("latent_dim=3", "width=4", "hidden=16", "batch_size=8", "validation_size=16")),
    Family("autoencoders",
           (ModelSpec("dae", "model:VAE", "denoising convolutional autoencoder, 64-d code, MNIST",
                      training=("export_name=dae",),
                      tiny=dict(latent_dim=4, width=4, hidden=16, variational=False)),
            *(ModelSpec(f"ae{k}", "model:VAE", f"plain convolutional autoencoder, {k}-d code, MNIST (beside PCA)",
                        tiny=dict(latent_dim=k, width=4, hidden=16, variational=False),
                        training=(f"latent_dim={k}", f"export_name=ae{k}", "noise_max=0", "validation_size=0", "steps=4000"))
              for k in (4, 8, 16, 32)),  # ae2d (the VAE tab's) is the 2-d one: the same recipe
            ModelSpec("pca", "model:PCA", "PCA of the MNIST training digits, 32 components (the linear baseline)",
                      tiny=dict(n_components=4))),
           tab_title="Autoencoders", recipe="recipe:AutoencoderRecipe", evaluation="evaluate:evaluate_autoencoders",
           tiny_training=("latent_dim=3", "width=4", "hidden=16", "batch_size=8", "validation_size=16")),
    Family("claims",  # the survey's two claims, tested: GAN digits as extra training data; GANs sharper than VAEs
           tuple(ModelSpec(f"claims_{kind}_n{n}", "model:CGANGenerator",
                           f"{'conditional ' if kind == 'cgan' else ''}DCGAN generator trained on only {n} MNIST digits",
                           tiny=dict(z_dim=8, embed_dim=4, g_width=8, d_width=8, n_classes=10 if kind == "cgan" else 1),
                           training=(f"n_labelled={n}", f"conditional={kind == 'cgan'}".lower(),
                                     f"n_classes={10 if kind == 'cgan' else 1}", f"export_name=claims_{kind}_n{n}"))
                 for n in (100, 500, 2000) for kind in ("gan", "cgan")),
           tab_title="Claims tested", recipe="recipe:SmallGANRecipe", evaluation="evaluate:evaluate_claims",
           tiny_training=("z_dim=8", "g_width=8", "d_width=8", "batch_size=8")),
    Family("text2digit",
           (ModelSpec("text2digit", "model:Text2DigitGenerator", "text-conditioned DCGAN (GAN-CLS), MNIST, English and Chinese",
                      in_page=True, page_weights="fp16", tiny=dict(token_dim=4, text_dim=8, z_dim=8, g_width=8, d_width=8)),),
           tab_title="Text to digit", recipe="recipe:Text2DigitRecipe", evaluation="evaluate:evaluate_text2digit",
           tiny_training=("token_dim=4", "text_dim=8", "z_dim=8", "g_width=8", "d_width=8", "batch_size=8",
                          "validation_size=16", "validation_samples=20", "validation_pairs=4")),
    Family("stylegan",
           (ModelSpec("stylegan", "model:StyleGANGenerator", "style-based generator (StyleGAN), MNIST padded to 32x32",
                      in_page=True, tiny=dict(z_dim=8, w_dim=8, mapping_layers=2, channels=(8, 8, 4, 4))),),
           tab_title="StyleGAN", recipe="recipe:StyleGANRecipe", evaluation="evaluate:evaluate_stylegan",
           tiny_training=("z_dim=8", "w_dim=8", "mapping_layers=2", "channels=[8,8,4,4]", "d_channels=[4,4,4,4]", "batch_size=4",
                          "validation_size=16")),
    Family("gan2d", (), tab_title="GAN in 2-D"),  # trains live in the tab: the theory on points of a plane
    Family("gantrain", (), tab_title="Train a GAN"),  # trains live in the tab: nothing shipped, nothing to evaluate
    Family("objectives",  # shown in the "Train a GAN" tab's comparison section
           tuple(ModelSpec(f"gan_{o.replace('-', '_')}", "model:ObjectiveGenerator",
                           f"DCGAN generator trained with the {o} objective, MNIST",
                           tiny=dict(objective=o, z_dim=8, width=4))
                 for o in ("nonsaturating", "lsgan", "wgan", "wgan-gp", "hinge", "ebgan", "capsgan")),
           recipe="recipe:ObjectiveGANRecipe", evaluation="evaluate:evaluate_objectives",
           tiny_training=("z_dim=8", "width=4", "batch_size=8", "validation_size=16")),
    Family("domain",
           (ModelSpec("domain_classifier", "model:DomainClassifier", "photo-or-Monet CNN (measures the CycleGAN generators)",
                      tiny=dict(image_size=16, width=4, blocks=2)),),
           recipe="recipe:DomainRecipe", evaluation="evaluate:evaluate_domain",
           tiny_training=("image_size=16", "width=4", "blocks=2", "batch_size=4")),
    Family("classifier",
           (ModelSpec("classifier", "model:MNISTClassifier", "MNIST evaluator CNN (measures the generators)",
                      tiny=dict(width=4, features=16)),),
           recipe="recipe:ClassifierRecipe", evaluation="evaluate:evaluate_classifier",
           tiny_training=("width=4", "features=16", "batch_size=8")),
]:
    register(_family)


def spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; known: {', '.join(MODELS)}") from None


PAGE_FILE = "model.onnx.gz"   # what the page fetches of an in-page model: its model.onnx, gzipped (ganapp.export)


def in_page_models() -> list[str]:
    """The models the page runs itself (`ModelSpec.in_page`)."""
    return [name for name, s in MODELS.items() if s.in_page]


def family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown model family {name!r}; known: {', '.join(FAMILIES)}") from None
