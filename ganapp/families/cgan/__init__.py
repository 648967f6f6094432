"""The conditional GAN: samples of the digit you ask for."""

MAX_COUNT = 64   # samples per picture; a seed's samples are the first `count` of its MAX_COUNT noise vectors
