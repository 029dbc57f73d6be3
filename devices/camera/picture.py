"""The simulator's test picture: a head-and-shoulders figure on a plain background, with a moving bar.

Pure drawing (Pillow), no I/O: each call is a new frame, so a preview of it visibly runs.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from devices.base import CameraFrame

WIDTH, HEIGHT = 640, 480
BACKGROUND = (222, 232, 240)
SKIN, HAIR, JACKET, SHIRT = (232, 190, 160), (40, 32, 28), (44, 62, 96), (245, 245, 245)
BAR = (200, 60, 40)


def base_picture(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """The still part of the test picture: a person centred, eyes at about 40% of the height."""
    img = Image.new("RGB", (width, height), BACKGROUND)
    d = ImageDraw.Draw(img)
    cx = width // 2
    head_w, head_h = int(height * 0.26), int(height * 0.34)
    top = int(height * 0.16)
    d.rounded_rectangle((cx - int(head_w * 0.62), int(height * 0.70), cx + int(head_w * 0.62), height),
                        radius=head_w // 3, fill=SHIRT)  # collar
    d.pieslice((cx - int(height * 0.42), int(height * 0.66), cx + int(height * 0.42), int(height * 1.4)),
               180, 360, fill=JACKET)  # shoulders
    d.rectangle((cx - int(head_w * 0.18), top + head_h - 10, cx + int(head_w * 0.18), int(height * 0.72)), fill=SKIN)
    d.ellipse((cx - head_w // 2, top, cx + head_w // 2, top + head_h), fill=SKIN)
    d.chord((cx - head_w // 2 - 4, top - 8, cx + head_w // 2 + 4, top + int(head_h * 0.55)), 180, 360, fill=HAIR)
    eye_y = top + int(head_h * 0.50)
    for dx in (-head_w // 5, head_w // 5):
        d.ellipse((cx + dx - 6, eye_y - 4, cx + dx + 6, eye_y + 4), fill=HAIR)
    d.arc((cx - head_w // 6, top + int(head_h * 0.66), cx + head_w // 6, top + int(head_h * 0.82)), 20, 160,
          fill=(150, 70, 60), width=3)
    return img


class TestPicture:
    """Frames of the test picture; frame n draws a bar at a position that moves with n."""

    __test__ = False  # not a pytest class

    def __init__(self, width: int = WIDTH, height: int = HEIGHT) -> None:
        self._base = base_picture(width, height)
        self._n = 0

    def frame(self) -> CameraFrame:
        img = self._base.copy()
        w, h = img.size
        x = (self._n * 12) % w
        ImageDraw.Draw(img).rectangle((x, h - 10, x + 40, h - 1), fill=BAR)
        self._n += 1
        return CameraFrame(w, h, img.tobytes())
