"""The caption grammar: how a digit and its measured shape become English and Chinese sentences, and how a
sentence becomes tokens.

A caption names the digit (a numeral or a word, in either language) and, for each shape attribute whose
measure is extreme for that digit, maybe a word for it:

    attribute   low word (bottom 30% of its digit)   high word (top 30% of its digit)
    thickness   thin / 细                              thick / 粗
    slant       leaning left / 向左倾斜                  leaning right / 向右倾斜
    width       narrow / 窄                            wide / 宽
    size        small / 小                             large / 大

The middle 40% of a digit is never described, and an extreme is described only now and then, so a caption
that leaves an attribute out means "any": "a 7" asks for sevens of every kind. Several synonyms and sentence
templates per language; the `HELD_OUT` templates are never used in training and measure how the model copes
with new phrasings (`python -m ganapp.evaluate text2digit`).

Tokens: English words (lower-cased), single digits, and single Chinese characters — Chinese needs no word
segmenter this way, and the vocabulary is every token of the grammar. Serving imports this module: no
training or measuring code here (the measures are in `ganapp.metrics`).
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

ATTRIBUTES = ("thickness", "slant", "width", "size")
LANGUAGES = ("en", "zh")

DIGIT_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "zh": ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九"),
}

# WORDS[language][attribute] = (words for the low end, words for the high end)
WORDS = {
    "en": {
        "thickness": (("thin", "skinny", "light", "fine-lined"), ("thick", "bold", "heavy", "fat")),
        "slant": (("leaning left", "slanted to the left", "tilted left", "leaning to the left"),
                  ("leaning right", "slanted to the right", "tilted right", "leaning to the right")),
        "width": (("narrow", "slim", "squeezed"), ("wide", "broad", "stretched")),
        "size": (("small", "tiny", "little"), ("large", "big", "huge")),
    },
    "zh": {
        "thickness": (("细", "细细的", "笔画细的", "纤细的"), ("粗", "粗体", "笔画粗的", "粗粗的")),
        "slant": (("向左倾斜", "往左歪", "左倾", "向左斜"), ("向右倾斜", "往右歪", "右倾", "向右斜")),
        "width": (("窄", "窄窄的", "很窄的"), ("宽", "宽宽的", "很宽的")),
        "size": (("小", "小小的", "很小的"), ("大", "大大的", "很大的")),
    },
}

# {adj}: the shape words before the digit; {slant}: the slant phrase; {digit}: the digit. An empty slot's
# surrounding punctuation is tidied by `_tidy`.
TEMPLATES = {
    "en": ("a {adj} {digit} {slant}", "{adj} {digit} {slant}", "draw a {adj} {digit} {slant}",
           "the number {digit}, {adj}, {slant}", "a {digit} that is {adj} and {slant}",
           "show me a {adj} {digit} {slant}"),
    "zh": ("一个{slant}的{adj}{digit}", "{adj}的{digit}，{slant}", "画一个{adj}的{digit}，{slant}",
           "数字{digit}，{adj}，{slant}", "一个{adj}的{digit}，有点{slant}", "写一个{slant}的{adj}{digit}"),
}
HELD_OUT = {  # never trained on: new orders and new glue words, for the evaluation only
    "en": ("{slant}, a {adj} {digit}", "i would like a {adj} {digit}, {slant} please",
           "{digit}: {adj}, {slant}"),
    "zh": ("{slant}、{adj}的数字{digit}", "请写{adj}的{digit}，{slant}", "我想要一个{adj}{digit}，{slant}"),
}
DIGIT_FORMS = {"en": ("{n}", "{w}", "digit {n}", "{w}"), "zh": ("{n}", "{w}", "{n}", "数字{w}")}
ADJ_JOINERS = {"en": (" ", ", ", " and "), "zh": ("", "、", "又")}

Buckets = dict  # attribute -> -1 (low), 0 (not described), +1 (high)


def render(digit: int, buckets: Buckets, language: str, rng: random.Random, held_out: bool = False,
           mention: float = 0.6) -> tuple[str, Buckets]:
    """One caption of `digit` in `language`, and what it says: each extreme attribute is described with
    probability `mention`; the returned buckets hold the described ones (the others are 0)."""
    words = WORDS[language]
    said = {a: b for a, b in buckets.items() if b != 0 and rng.random() < mention}
    chosen = {a: rng.choice(words[a][b > 0]) for a, b in said.items()}
    adjectives = [chosen[a] for a in ("thickness", "width", "size") if a in chosen]
    rng.shuffle(adjectives)
    digit_text = rng.choice(DIGIT_FORMS[language]).format(n=digit, w=DIGIT_WORDS[language][digit])
    template = rng.choice((HELD_OUT if held_out else TEMPLATES)[language])
    text = _tidy(template.format(adj=rng.choice(ADJ_JOINERS[language]).join(adjectives),
                                 slant=chosen.get("slant", ""), digit=digit_text))
    return text, {a: said.get(a, 0) for a in ATTRIBUTES}


def _tidy(text: str) -> str:
    """Remove what an empty slot leaves behind: doubled spaces and commas, a dangling 'and', '的' before punctuation."""
    for pattern, repl in ((r"that is\s+and ", "that is "), (r" and\s*$", ""), (r"that is\s*$", ""),
                          (r"有点\s*$", ""), (r"的的", "的"), (r"数字数字", "数字"), (r":\s*,", ":"), (r"的(?=[，、]|$)", ""), (r"^的", ""), (r"个的", "个"),
                          (r"\s+,", ","), (r",\s*,", ","), (r"，\s*，", "，"), (r"^[\s,，、:]+|[\s,，、:]+$", ""),
                          (r"\s{2,}", " "), (r"[,，]\s*(?=please$)", " ")):
        text = re.sub(pattern, repl, text)
    return text.strip()


# --- tokens ------------------------------------------------------------------------------------

PAD, MAX_TOKENS = "<pad>", 48
_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)*|[0-9]|[\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise(text: str) -> str:
    """Full-width forms as typed with Chinese input methods (７, ｔｈｉｃｋ) become plain ones; lower case."""
    return unicodedata.normalize("NFKC", text).lower().replace("〇", "零")  # 〇 is also zero


def tokens(text: str) -> list[str]:
    """'A thick 7, 向右倾斜' -> ['a', 'thick', '7', '向', '右', '倾', '斜']; punctuation is dropped."""
    return _TOKEN.findall(normalise(text))


def build_vocab() -> tuple[str, ...]:
    """Every token the training grammar produces, PAD first: the model's vocabulary. The held-out templates' new
    glue words ("please", 我想要) stay out of it: the model never saw them, so they are ignored, and said so."""
    texts = [*DIGIT_WORDS["en"], *DIGIT_WORDS["zh"], "0123456789"]
    for language in LANGUAGES:
        texts += [w for pair in WORDS[language].values() for side in pair for w in side] + list(ADJ_JOINERS[language])
        texts += [t.format(adj="", slant="", digit="") for t in TEMPLATES[language]]
        texts += [form.format(n="", w="") for form in DIGIT_FORMS[language]]
    return (PAD, *sorted({tok for text in texts for tok in tokens(text)}))


@dataclass(frozen=True)
class Parsed:
    ids: list[int]           # token ids the model reads (unknown tokens left out), at most MAX_TOKENS
    ignored: list[str]       # what was left out: unknown English words, runs of unknown Chinese characters
    digits: list[int]        # the digits the text names, in order of appearance


def parse(text: str, vocab: tuple[str, ...] | list[str]) -> Parsed:
    index = {tok: i for i, tok in enumerate(vocab)}
    ids, ignored, run = [], [], ""
    for tok in tokens(text):
        if tok not in index and tok.endswith("s") and tok[:-1] in index:
            tok = tok[:-1]  # "sevens" -> "seven"
        if tok in index:
            ids.append(index[tok])
            if run:
                ignored.append(run)
                run = ""
        elif _CJK.fullmatch(tok):
            run += tok
        else:
            if run:
                ignored.append(run)
                run = ""
            ignored.append(tok)
    if run:
        ignored.append(run)
    return Parsed(ids[:MAX_TOKENS], list(dict.fromkeys(ignored)), named_digits(text))


_ZH_MEASURE_WORDS = "个只枚位张"   # 一个 is "a", not "one"


def named_digits(text: str) -> list[int]:
    """The digits a text names: numerals, English number words, Chinese numerals (not 一 in 一个 "a")."""
    out, text = [], normalise(text)
    for m in re.finditer(r"[0-9]|[a-z]+|[零一二三四五六七八九〇]", text):
        tok = m.group()
        if tok.isdigit():
            out.append(int(tok))
        elif tok in DIGIT_WORDS["en"] or tok.removesuffix("s") in DIGIT_WORDS["en"]:  # "sevens" too
            out.append(DIGIT_WORDS["en"].index(tok.removesuffix("s") if tok not in DIGIT_WORDS["en"] else tok))
        elif tok in "零一二三四五六七八九〇":
            following = text[m.end():m.end() + 1]
            if tok == "一" and following and following in _ZH_MEASURE_WORDS:
                continue
            out.append(0 if tok == "〇" else DIGIT_WORDS["zh"].index(tok))
    return out


# The prompts of the sample pictures (a row each: the training run's samples, the card's samples.png).
SAMPLE_PROMPTS = ("a thick 0", "一个细的1", "two leaning left", "向右倾斜的3", "a wide four", "窄窄的5",
                  "a small six", "大大的7", "a thin 8 leaning right", "粗体的九")
