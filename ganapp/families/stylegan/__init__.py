"""StyleGAN: two seeds' styles mixed at the level you pick."""

LEVELS = {"coarse": (0, 1), "middle": (2,), "fine": (3,)}   # which blocks (4, 8 | 16 | 32 px) each level styles
MAX_PSI = 1.2                   # truncation goes from 0 to 1, and a little beyond (extrapolating away from the average)
