"""A GAN in two dimensions, trained live, where its theory can be seen."""

OBJECTIVES_2D = ("minimax", "nonsaturating", "lsgan", "wgan", "wgan-gp", "hinge", "ebgan")
BUILT_IN = ("ring8", "grid25", "moons", "spiral", "line")   # the real distributions on offer (distributions.py)
NOISE_KINDS = ("gaussian", "uniform")
PLANE = 1.0          # the plane drawn is [-PLANE, PLANE]^2
MAX_DRAWN = 500      # points a visitor may draw
