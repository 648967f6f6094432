"""Text to digit: the shape measures on synthetic digits, the caption grammar and tokens in both languages,
and the /text_to_digit contract (sizes, same bytes, clear refusals) on tiny random weights."""
from __future__ import annotations

import random

import pytest
import torch

from ganapp.checks import InvalidInput
from ganapp.families.text2digit import captions, inference
from ganapp.metrics import size, slant, thickness, width


def bar(rows=slice(4, 24), cols=slice(12, 15), shear: float = 0.0) -> torch.Tensor:
    """A vertical stroke (1, 1, 28, 28), optionally sheared: each row moves `shear` px right per row upwards."""
    image = torch.zeros(1, 1, 28, 28)
    for r in range(rows.start, rows.stop):
        shift = round(shear * (rows.stop - r))
        image[0, 0, r, cols.start + shift - round(shear * 10):cols.stop + shift - round(shear * 10)] = 1
    return image


def test_thickness_measures_the_stroke_width():
    for w in (1, 2, 3, 5):
        assert abs(float(thickness(bar(cols=slice(12, 12 + w)))) - w) <= 1


def test_slant_width_and_size_move_the_right_way():
    upright, right, left = bar(), bar(shear=0.4), bar(shear=-0.4)
    assert float(slant(right)) > 0.2 > abs(float(slant(upright))) and float(slant(left)) < -0.2
    narrow, wide = bar(cols=slice(13, 15)), bar(cols=slice(8, 20))
    assert float(width(wide)) > float(width(narrow))
    small, large = bar(rows=slice(10, 18)), bar(rows=slice(2, 26))
    assert float(size(large)) > float(size(small))


def test_tokens_split_english_words_digits_and_chinese_characters():
    assert captions.tokens("A thick 7, 向右倾斜!") == ["a", "thick", "7", "向", "右", "倾", "斜"]


@pytest.mark.parametrize("text,digits", [("a thick seven", [7]), ("一个向右倾斜的粗体7", [7]), ("数字三", [3]),
                                         ("一个细的一", [1]), ("3 or 5", [3, 5]), ("a purple cat", []),
                                         ("一个粗体的７", [7]), ("Ｓｅｖｅｎ", [7])])  # full-width, as IMEs type
def test_named_digits_reads_numerals_and_words_but_not_the_article(text, digits):
    assert captions.named_digits(text) == digits


def test_unknown_words_are_named_and_left_out():
    vocab = captions.build_vocab()
    parsed = captions.parse("a purple sevens, 很宽的颜色", vocab)
    assert parsed.ignored == ["purple", "颜色"] and parsed.digits == [7]
    assert [vocab[i] for i in parsed.ids] == ["a", "seven", "很", "宽", "的"]


def test_every_caption_names_its_digit_and_only_known_words_in_training():
    vocab, rng = captions.build_vocab(), random.Random(0)
    for _ in range(400):
        digit = rng.randrange(10)
        buckets = {a: rng.choice((-1, 0, 1)) for a in captions.ATTRIBUTES}
        language = rng.choice(captions.LANGUAGES)
        text, said = captions.render(digit, buckets, language, rng)
        parsed = captions.parse(text, vocab)
        assert parsed.digits == [digit] and parsed.ignored == [], text
        assert all(said[a] in (0, buckets[a]) for a in captions.ATTRIBUTES)  # says only what is true
        for a, b in said.items():  # and says it with a word of that side
            if b:
                assert any(w in text.lower() for w in captions.WORDS[language][a][b > 0]), (text, a)


@pytest.mark.parametrize("language", captions.LANGUAGES)
def test_held_out_templates_are_new_phrasings(language):
    """With a shape word and a slant phrase to place, no held-out caption is one training could produce."""
    rng, buckets = random.Random(1), {"thickness": 1, "slant": -1}
    seen = {captions.render(3, buckets, language, rng, held_out=False, mention=1.0)[0] for _ in range(3000)}
    new = {captions.render(3, buckets, language, rng, held_out=True, mention=1.0)[0] for _ in range(300)}
    assert not seen & new


def test_text_to_digit_grid_sizes_and_same_bytes(tiny):
    one = inference.text_to_digit("a thick 7", 1, 0)
    assert one.size == (112, 112)
    grid = inference.text_to_digit("一个向右倾斜的粗体7", 16, 3)
    assert grid.size == (4 * 112 + 5 * 2 * 4,) * 2  # 4x4 tiles, 2-px gaps (upscaled) around each
    assert grid.tobytes() == inference.text_to_digit("一个向右倾斜的粗体7", 16, 3).tobytes()
    assert grid.tobytes() != inference.text_to_digit("一个向右倾斜的粗体7", 16, 4).tobytes()


@pytest.mark.parametrize("args,message", [(("a purple cat", 4, 0), "names no digit"), (("", 4, 0), "names no digit"),
                                          (("7" * 201, 4, 0), "at most 200"), ((None, 4, 0), "must be text"),
                                          (("a 7", 0, 0), "count"), (("a 7", 65, 0), "count"), (("a 7", 4, -1), "seed")])
def test_bad_inputs_are_refused_clearly(tiny, args, message):
    with pytest.raises(InvalidInput, match=message):
        inference.text_to_digit(*args)


def test_reading_names_ignored_words_and_several_digits(tiny):
    assert str(inference.reading("a purple 7")) == "ignored: 'purple'"
    assert inference.reading("a purple 7").render("zh-CN") == "没读懂、已忽略：'purple'"
    assert inference.reading("a thick 7") == ""
    assert "names no digit" in str(inference.reading("hello"))
    assert "里没有说是哪个数字" in inference.reading("hello").render("zh-CN")
    assert "several digits" in str(inference.reading("3 and 5"))


def test_interpolation_ends_are_the_two_texts(tiny):
    import numpy as np

    steps, pad, tile = 4, 2 * 4, 28 * 4  # grid padding and tiles, upscaled 4x
    strip = np.asarray(inference.text_interpolate("a thin 2", "一个粗体的8", 5, steps=steps)).astype(int)
    assert strip.shape[:2] == (tile + 2 * pad, steps * (tile + pad) + pad)
    for i, text in ((0, "a thin 2"), (steps - 1, "一个粗体的8")):
        left = pad + i * (tile + pad)
        alone = np.asarray(inference.text_to_digit(text, 1, 5)).astype(int)
        assert np.abs(strip[pad:pad + tile, left:left + tile] - alone).max() <= 1, text


def test_attribute_pairs_differ_in_that_attribute_word_only():
    from ganapp.families.text2digit.measures import attribute_pairs

    for language in captions.LANGUAGES:
        for a, (low, high) in attribute_pairs(30, random.Random(0), held_out=True, language=language).items():
            lows, highs = captions.WORDS[language][a]
            for lo, hi in zip(low, high):
                assert captions.named_digits(lo) == captions.named_digits(hi) != []
                lo, hi = lo.replace("的", ""), hi.replace("的", "")  # the particle merges with the templates' own
                stems = [(w_lo.replace("的", ""), w_hi.replace("的", "")) for w_lo, w_hi in zip(lows, highs)]
                assert any(lo.replace(w_lo, "#") == hi.replace(w_hi, "#") and w_lo in lo and w_hi in hi
                           for w_lo, w_hi in stems), (lo, hi)


def test_a_chinese_page_starts_with_a_chinese_description_unless_a_link_sets_one():
    from types import SimpleNamespace

    from ganapp.families.text2digit import tab

    def request(browser_language, **query):
        return SimpleNamespace(headers={"accept-language": browser_language}, query_params=query)

    assert tab.local_prompt(request("zh-CN,zh;q=0.9")) == "一个向右倾斜的粗体7"
    assert tab.local_prompt(request("zh-CN", lang="en")) != "一个向右倾斜的粗体7"        # ?lang= wins
    assert tab.local_prompt(request("zh-CN", text="a thin 2")) != "一个向右倾斜的粗体7"   # the link's description stays
    assert tab.local_prompt(request("en-US")) != "一个向右倾斜的粗体7"
