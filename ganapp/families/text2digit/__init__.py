"""Text to digit: describe a digit in English or Chinese, get it drawn."""

MAX_TEXT = 200    # characters of a description
STRIP_STEPS = 8   # digits in the strip between two descriptions
EXAMPLES = ("a thick seven leaning right", "一个向右倾斜的粗体7", "a small thin 2", "宽宽的数字零",
            "a narrow 4 slanted to the left", "笔画细的大8")
