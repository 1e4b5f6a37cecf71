"""The label toolbar: one action per label of the tag set, with its colour and key."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

from annotator.domain.model import Label, TagSet

LEGEND = (
    "Select words, then press a label's key.  Click a tag and press a key to relabel it; "
    "Del removes it."
)


_SWATCHES: dict[tuple[str, int], QIcon] = {}


def swatch_icon(color: str, size: int = 14) -> QIcon:
    """A small rounded square of ``color``, for labels in menus, buttons and tables."""
    # Painted once per colour and size (the span panel asks for one on every new tag);
    # each caller gets its own QIcon sharing the pixmaps, so changing it changes no other.
    cached = _SWATCHES.get((color, size))
    if cached is None:
        cached = _SWATCHES[(color, size)] = _paint_swatch(color, size)
    return QIcon(cached)


def _paint_swatch(color: str, size: int) -> QIcon:
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(size * scale, size * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(color)
        painter.setPen(fill.darker(140))
        painter.setBrush(fill)
        painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def set_quiet(widget: QWidget) -> None:
    """Draw a widget's text in the palette's quiet grey (the placeholder colour)."""
    palette = widget.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    widget.setPalette(palette)


def steady_width(label: QLabel, *samples: str) -> None:
    """Fix ``label``'s size to fit the longest of ``samples``.

    A label whose text changes with every tag (a count, a time, offsets) would
    otherwise ask its layout to re-place its neighbours each time, and Qt repaints
    the whole panel around it: a few milliseconds per tag in a full window.
    """
    margins = label.contentsMargins()
    metrics = label.fontMetrics()
    width = max(metrics.horizontalAdvance(s) for s in samples) + margins.left() + margins.right()
    height = max(label.sizeHint().height(), metrics.height() + margins.top() + margins.bottom())
    label.setFixedSize(width + 4, height)


class LabelBar(QToolBar):
    """Emits :attr:`labelChosen` with a label's name when its button or key is used.

    The actions carry window-wide shortcuts, so a label's key works wherever the focus
    is, except in a text field, which keeps printable keys for typing.
    """

    labelChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Labels", parent)
        self.setObjectName("labelBar")
        self.setMovable(False)
        self.setFloatable(False)
        self.setIconSize(QSize(14, 14))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._actions: dict[str, QAction] = {}
        self._legend = QLabel(LEGEND)
        self._legend.setObjectName("labelLegend")
        self._legend.setContentsMargins(8, 0, 8, 0)
        set_quiet(self._legend)
        self._legend.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._legend.setMinimumWidth(40)

    def set_tagset(self, tagset: TagSet) -> None:
        """Replace the label actions with one per label of ``tagset``."""
        for action in self._actions.values():
            self.removeAction(action)
            action.deleteLater()
        self._actions.clear()
        self.clear()
        for label in tagset.labels:
            self._actions[label.name] = self._make_action(label)
            self.addAction(self._actions[label.name])
        self.addSeparator()
        self.addWidget(self._legend)
        self._legend.setToolTip(
            "\n".join(f"{label.shortcut or '–'}   {label.name}" for label in tagset.labels)
        )

    def label_actions(self) -> list[QAction]:
        return list(self._actions.values())

    def action_for(self, name: str) -> QAction | None:
        return self._actions.get(name)

    def _make_action(self, label: Label) -> QAction:
        action = QAction(swatch_icon(label.color), label.name, self)
        action.setObjectName(f"label.{label.name}")
        if label.shortcut:
            action.setText(f"{label.name}  {label.shortcut}")
            action.setShortcut(QKeySequence(label.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            key = QKeySequence(label.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(
                f"Tag the selected words as {label.name} ({key}); "
                f"with a tag selected, relabel it as {label.name}"
            )
        else:
            action.setToolTip(f"Tag the selected words as {label.name}")
        action.setData(label.name)
        action.setProperty("helpText", f"Tag as {label.name} (or relabel the chosen tag)")
        action.triggered.connect(lambda _checked=False, name=label.name: self._choose(name))
        return action

    def _choose(self, name: str) -> None:
        self.labelChosen.emit(name)
