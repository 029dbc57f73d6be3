"""The photo question of a form: live picture with the one-inch guide, 拍照 / 重拍 / 使用这张.

The camera runs only while this screen is shown. 拍照 freezes the picture and shows the one-inch photo
exactly as it will be sent (kiosk.photo crops it to the guide, 295 × 413); 使用这张 answers the question
with its JPEG bytes, 重拍 goes back to the live picture. If the camera fails, the resident is offered to
have the photo taken at the counter instead. Nothing is written to disk; clear() forgets the pictures.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.forms import PHOTO_AT_COUNTER, FieldDef
from kiosk.photo import PhotoCamera, PhotoInvalid, guide_box, one_inch_jpeg
from ui.camera import FrameSource, camera_frame, make_frame_source
from ui.text import tr
from ui.widgets import big_button, label

log = logging.getLogger(__name__)


class PhotoPreview(QWidget):
    """Draws the live picture with the one-inch guide (outside dimmed), or the taken photo alone."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(tr("forms_photo.preview_name"))
        self.setMinimumSize(360, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.guide = True

    def show_image(self, image: QImage | None, *, guide: bool) -> None:
        self.image, self.guide = image, guide
        self.update()

    def image_rect(self) -> QRect:
        """Where the picture is drawn: as large as fits, centred, its proportions kept."""
        if self.image is None or self.image.isNull():
            return QRect()
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect((self.width() - size.width()) // 2, (self.height() - size.height()) // 2,
                     size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#20262E"))
        if self.image is None or self.image.isNull():
            p.setPen(QColor("#FFFFFF"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, tr("forms_photo.waiting"))
            return
        target = self.image_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, self.image)
        if not self.guide:
            return
        x, y, w, h = guide_box(self.image.width(), self.image.height())
        sx, sy = target.width() / self.image.width(), target.height() / self.image.height()
        box = QRectF(target.x() + x * sx, target.y() + y * sy, w * sx, h * sy)
        outside = QPainterPath()
        outside.addRect(QRectF(target))
        inner = QPainterPath()
        inner.addRect(box)
        p.fillPath(outside.subtracted(inner), QColor(0, 0, 0, 140))
        p.setPen(QPen(QColor("#FFFFFF"), 4, Qt.PenStyle.DashLine))
        p.drawRect(box)
        head = QRectF(box.x() + box.width() * 0.22, box.y() + box.height() * 0.10, box.width() * 0.56,
                      box.height() * 0.50)  # where the head goes
        p.setPen(QPen(QColor(255, 255, 255, 170), 3, Qt.PenStyle.DotLine))
        p.drawEllipse(head)


class PhotoStep(QWidget):
    """One photo question; emits `answered(bytes)` (the JPEG), or `answered("at_counter")` when the camera failed."""

    answered = Signal(object)
    back_requested = Signal()

    def __init__(self, f: FieldDef, camera: PhotoCamera, *, portrait: bool,
                 source: FrameSource | None = None) -> None:
        super().__init__()
        self.field = f
        self.value: Any = None
        self.edit = None  # the page's protocol for question screens: nothing to focus, no keypad, no options
        self.keypad = None
        self.options: list[Any] = []
        self.option_buttons: list[QPushButton] = []
        self.source = source or make_frame_source(camera)
        self.source.frame.connect(self._on_frame)
        self.source.failed.connect(self._on_failed)
        self._live = True
        self._failed = False
        self.setObjectName(f"formStep_{f.id}")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(14)
        self.step_label = label(f"formStepNo_{f.id}", "", role="hint", wrap=False)
        self.question = label(f"formQuestion_{f.id}", f.label, role="heading")
        self.hint = label(f"formHint_{f.id}", f.hint, role="hint")
        self.hint.setVisible(bool(f.hint))
        self.status = label(f"formPhotoStatus_{f.id}", tr("forms_photo.live"), role="guidance")
        self.error = label(f"formError_{f.id}", "", role="error")
        self.error.setVisible(False)
        self.prev = big_button(f"formPrev_{f.id}", tr("forms.prev"))
        self.prev.clicked.connect(self.back_requested)
        self.take = big_button(f"formPhotoTake_{f.id}", tr("forms_photo.take"), role="primary")
        self.retake = big_button(f"formPhotoRetake_{f.id}", tr("forms_photo.retake"))
        self.use = big_button(f"formPhotoUse_{f.id}", tr("forms_photo.use"), role="primary")
        self.counter = big_button(f"formPhotoCounter_{f.id}", tr("forms_photo.at_counter"))
        self.next = self.use  # the page's protocol: the forward button of a question screen
        self.take.clicked.connect(self.take_photo)
        self.retake.clicked.connect(self.retake_photo)
        self.use.clicked.connect(self._use)
        self.counter.clicked.connect(lambda: self.answered.emit(PHOTO_AT_COUNTER))
        self.preview = PhotoPreview(f"formPhotoPreview_{f.id}")

        left = QVBoxLayout()
        left.setSpacing(14)
        for w in (self.step_label, self.question, self.hint, self.status, self.error):
            left.addWidget(w)
        left.addStretch(1)
        left.addWidget(self.prev, 0, Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(self.preview, 1)
        actions = QHBoxLayout()
        actions.setSpacing(24)
        for b in (self.take, self.retake, self.counter):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.use)
        right.addLayout(actions)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(40)
        self.body.addLayout(left, 2)
        self.body.addLayout(right, 3)
        outer.addLayout(self.body, 1)
        self.set_portrait(portrait)
        self._show_state()

    # ---- the page's protocol for question screens ----
    def set_value(self, value: Any) -> None:
        """Show an existing answer: a taken photo (from 修改) stays until 重拍; none: the live picture."""
        self.value = value if isinstance(value, bytes) else None
        self.error.setVisible(False)
        self._live = self.value is None
        self._show_state()

    def set_step(self, n: int, total: int, *, to_review: bool) -> None:
        self.step_label.setText(tr("forms.step", n=n, total=total))
        self.prev.setVisible(n > 1)

    def set_portrait(self, portrait: bool) -> None:
        self.body.setDirection(QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight)

    def set_preview(self, text: str) -> None:
        """Photo questions publish nothing."""

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setAccessibleName(message)
        self.error.setVisible(True)

    def clear(self) -> None:
        """Forget every picture (the session ended)."""
        self.source.stop()
        self.source.forget()
        self.value = None
        self._live = True
        self._failed = False
        self.preview.show_image(None, guide=True)
        self.error.clear()
        self.error.setVisible(False)

    # ---- camera ----
    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._live and not self._failed:
            self.source.start()

    def hideEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        super().hideEvent(event)
        self.source.stop()

    def _on_frame(self, image: QImage) -> None:
        if self._live:
            self.preview.show_image(image, guide=True)
            self.take.setEnabled(True)

    def _on_failed(self, message: str) -> None:
        self._failed = True
        self.show_error(message)
        self._show_state()

    def take_photo(self) -> None:
        """拍照: the picture inside the guide becomes the one-inch photo, shown as it will be sent."""
        image = self.source.latest
        if image is None:
            return
        try:
            jpeg = one_inch_jpeg(camera_frame(image))
        except PhotoInvalid:
            log.exception("a camera picture could not be made into a photo")
            self.show_error(tr("forms_photo.camera_failed"))
            return
        self.source.stop()
        self.value = jpeg
        self._live = False
        self.error.setVisible(False)
        self._show_state()

    def retake_photo(self) -> None:
        """重拍: back to the live picture."""
        self.value = None
        self._live = True
        self._show_state()
        if not self._failed:
            self.source.start()

    def _use(self) -> None:
        if isinstance(self.value, bytes):
            self.answered.emit(self.value)

    def _show_state(self) -> None:
        taken = isinstance(self.value, bytes)
        if taken:
            self.preview.show_image(QImage.fromData(self.value), guide=False)
            self.status.setText(tr("forms_photo.taken"))
        elif self._failed:
            self.preview.show_image(None, guide=True)
            self.status.setText(tr("forms_photo.failed_hint"))
        else:
            latest = self.source.latest
            self.preview.show_image(latest, guide=True)
            self.status.setText(tr("forms_photo.live"))
        self.status.setAccessibleName(self.status.text())
        self.take.setVisible(not taken and not self._failed)
        self.take.setEnabled(self.source.latest is not None)
        self.retake.setVisible(taken)
        self.use.setVisible(taken)
        self.counter.setVisible(self._failed and not taken)
