"""Autoencoders: a digit cleaned of noise, and digits compressed to codes of a few numbers."""

CODE_SIZES = (2, 4, 8, 16, 32)                            # the compression comparison's latent sizes


def autoencoder_name(size: int) -> str:
    """The plain autoencoder with a code of `size` numbers (the 2-d one is the VAE tab's map model)."""
    return "ae2d" if size == 2 else f"ae{size}"
