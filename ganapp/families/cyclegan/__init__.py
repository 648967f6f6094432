"""CycleGAN: a photo painted like Monet, a painting made a photo."""
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "assets" / "examples"   # monet_*.jpg, photo_*.jpg
DIRECTIONS = {"photo2monet": ("cyclegan_photo2monet", "cyclegan_monet2photo"),   # (there, back)
              "monet2photo": ("cyclegan_monet2photo", "cyclegan_photo2monet")}
