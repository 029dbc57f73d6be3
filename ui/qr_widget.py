"""A label showing a QR code for a payload; codes are built once per payload and cached."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

BORDER_MODULES = 4  # the quiet zone a phone camera needs


@lru_cache(maxsize=64)
def qr_image(payload: str) -> QImage:
    """One pixel per module (quiet zone included), black on white; scale it without smoothing."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=BORDER_MODULES)
    qr.add_data(payload)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # includes the border
    n = len(matrix)
    img = QImage(n, n, QImage.Format.Format_RGB32)
    img.fill(QColor("#FFFFFF"))
    black = QColor("#000000").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.setPixel(x, y, black)
    return img


class QrLabel(QLabel):
    """A square QR code of `side` pixels (whole pixels per module, so it stays sharp and scannable)."""

    def __init__(self, object_name: str, accessible_name: str, side: int = 300, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._side = side
        self.payload = ""

    def set_payload(self, payload: str, side: int | None = None) -> None:
        """Show the code for `payload` (empty: show nothing)."""
        self.payload = payload
        if side is not None:
            self._side = side
        if not payload:
            self.clear()
            return
        img = qr_image(payload)
        scale = max(1, self._side // img.width())
        pix = QPixmap.fromImage(img.scaled(img.width() * scale, img.height() * scale,
                                           Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.FastTransformation))
        self.setPixmap(pix)
        self.setFixedSize(pix.size())
