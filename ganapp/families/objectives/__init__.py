"""One small GAN trained under each classic objective, side by side."""


def checkpoint_name(objective: str) -> str:
    """"wgan-gp" -> "gan_wgan_gp": the folder and Hub repo of the generator trained under it."""
    return "gan_" + objective.replace("-", "_")


SHIPPED_OBJECTIVES = ("nonsaturating", "lsgan", "wgan", "wgan-gp", "hinge", "ebgan", "capsgan")  # the API's order
