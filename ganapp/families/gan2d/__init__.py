"""A GAN in two dimensions, trained live, where its theory can be seen."""

OBJECTIVES_2D = ("minimax", "nonsaturating", "lsgan", "wgan", "wgan-gp", "hinge", "ebgan")
# The 2-D defaults: the MNIST settings of each objective with learning rates for points (chosen by
# `python -m benchmarks.gan2d`, the coverage table), at batch 256 (live.BATCH).
LEARNING_RATES = {"minimax": 1e-3, "nonsaturating": 1e-3, "lsgan": 1e-3, "wgan": 5e-4, "wgan-gp": 1e-3,
                  "hinge": 1e-3, "ebgan": 1e-3}
BUILT_IN = ("ring8", "grid25", "moons", "spiral", "line")   # the real distributions on offer (distributions.py)
NOISE_KINDS = ("gaussian", "uniform")
PLANE = 1.0          # the plane drawn is [-PLANE, PLANE]^2
MAX_DRAWN = 500      # points a visitor may draw
