"""Labels ▸ Edit tag set…: add, rename, recolour, re-key and delete labels; declare
their attributes and the links their tags may start.

The dialog shows the tag set it is given (:meth:`TagsetDialog.set_tagset`) and sends
every edit out as a signal; the window runs it as an undoable command and hands the
new tag set back. It is not modal: the text stays usable while it is open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.attribution import LINK_TYPES
from annotator.domain.model import Attribute, Label, TagSet
from annotator.ui.label_bar import set_quiet, swatch_icon

__all__ = ["TagsetDialog"]

KINDS = ("choice", "text", "bool")
LINK_HELP = {
    "said_by": "said by (a commitment → its speaker)",
    "binds": "binds (a commitment → whom it binds)",
    "is": "is (a speaker → the entity it names)",
}


class TagsetDialog(QDialog):
    """Edits a tag set through signals; tests may replace the ``ask_*`` methods."""

    labelAdded = Signal(str)
    labelChanged = Signal(str, object)  # label name, {field: new value}
    labelDeleted = Signal(str)
    importRequested = Signal()
    exportRequested = Signal()
    undoRequested = Signal()
    redoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagsetDialog")
        self.setWindowTitle("Tag set")
        self._tagset = TagSet(())
        self._select_after: str | None = None
        self._filling = False

        self.labels = QListWidget(self)
        self.labels.setObjectName("tagsetLabels")
        self.labels.currentRowChanged.connect(lambda _row: self._fill_form())
        self.add_button = QPushButton("Add label…", self)
        self.add_button.setObjectName("tagsetAdd")
        self.add_button.clicked.connect(self._add_label)
        self.delete_button = QPushButton("Delete label…", self)
        self.delete_button.setObjectName("tagsetDelete")
        self.delete_button.clicked.connect(self._delete_label)
        left = QVBoxLayout()
        left.addWidget(self.labels, 1)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        left.addLayout(row)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("tagsetName")
        self.name_edit.editingFinished.connect(self._rename)
        self.color_button = QPushButton(self)
        self.color_button.setObjectName("tagsetColor")
        self.color_button.clicked.connect(self._recolour)
        self.shortcut_edit = QLineEdit(self)
        self.shortcut_edit.setObjectName("tagsetShortcut")
        self.shortcut_edit.setPlaceholderText("a key, e.g. 4")
        self.shortcut_edit.setMaximumWidth(120)
        self.shortcut_edit.editingFinished.connect(self._rekey)
        self.registry_box = QCheckBox("mentions join the entity registry", self)
        self.registry_box.setObjectName("tagsetRegistry")
        self.registry_box.clicked.connect(lambda checked: self._change({"registry": bool(checked)}))
        self.link_boxes: dict[str, QCheckBox] = {}
        links = QVBoxLayout()
        links.setSpacing(0)
        for link_type in LINK_TYPES:
            box = QCheckBox(LINK_HELP.get(link_type, link_type), self)
            box.setObjectName(f"tagsetLink.{link_type}")
            box.clicked.connect(lambda _c=False: self._relink())
            self.link_boxes[link_type] = box
            links.addWidget(box)

        self.attributes = QTreeWidget(self)
        self.attributes.setObjectName("tagsetAttributes")
        self.attributes.setHeaderLabels(["Attribute / value", "Kind"])
        self.attributes.setRootIsDecorated(True)
        self.add_attribute_button = QPushButton("Add attribute…", self)
        self.add_attribute_button.setObjectName("tagsetAddAttribute")
        self.add_attribute_button.clicked.connect(self._add_attribute)
        self.add_value_button = QPushButton("Add value…", self)
        self.add_value_button.setObjectName("tagsetAddValue")
        self.add_value_button.clicked.connect(self._add_value)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("tagsetRemoveAttribute")
        self.remove_button.setToolTip("Remove the selected attribute or value from the tag set")
        self.remove_button.clicked.connect(self._remove_attribute_or_value)
        attr_buttons = QHBoxLayout()
        for button in (self.add_attribute_button, self.add_value_button, self.remove_button):
            attr_buttons.addWidget(button)
        attr_buttons.addStretch(1)

        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Colour", self.color_button)
        form.addRow("Key", self.shortcut_edit)
        form.addRow("Registry", self.registry_box)
        form.addRow("Links", links)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel("Attributes", self))
        right.addWidget(self.attributes, 1)
        right.addLayout(attr_buttons)

        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)

        self.import_button = QPushButton("Import…", self)
        self.import_button.clicked.connect(self.importRequested)
        self.export_button = QPushButton("Export…", self)
        self.export_button.clicked.connect(self.exportRequested)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.setToolTip("Undo the last change (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undoRequested)
        self.redo_button = QPushButton("Redo", self)
        self.redo_button.clicked.connect(self.redoRequested)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        for button in (self.import_button, self.export_button, self.undo_button, self.redo_button):
            bottom.addWidget(button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        note = QLabel(
            "Every change is saved at once and can be undone. Renaming keeps the tags; "
            "deleting a label deletes its tags (undo brings them back).",
            self,
        )
        note.setWordWrap(True)
        set_quiet(note)

        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(note)
        layout.addLayout(bottom)
        # Enter confirms a field here; it must not press a button too.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        QShortcut(QKeySequence("Ctrl+Z"), self, self.undoRequested.emit)
        QShortcut(QKeySequence("Ctrl+Shift+Z"), self, self.redoRequested.emit)
        self.resize(720, 520)

    # -- our API ---------------------------------------------------------------------

    def set_tagset(self, tagset: TagSet) -> None:
        """Show ``tagset``, keeping the chosen label (or choosing one just added/renamed)."""
        keep = self._select_after or self.current_name()
        row = max(self.labels.currentRow(), 0)
        self._select_after = None
        self._tagset = tagset
        self._filling = True
        try:
            self.labels.clear()
            for label in tagset.labels:
                key = f"   {label.shortcut}" if label.shortcut else ""
                item = QListWidgetItem(swatch_icon(label.color), f"{label.name}{key}")
                item.setData(Qt.ItemDataRole.UserRole, label.name)
                self.labels.addItem(item)
            names = tagset.names()
            # a label renamed by an undo keeps its place in the list
            self.labels.setCurrentRow(
                names.index(keep) if keep in names else min(row, len(names) - 1)
            )
        finally:
            self._filling = False
        self._fill_form()

    def current_name(self) -> str | None:
        item = self.labels.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def current_label(self) -> Label | None:
        name = self.current_name()
        return self._tagset.by_name().get(name) if name is not None else None

    def select_label(self, name: str) -> None:
        for row in range(self.labels.count()):
            if self.labels.item(row).data(Qt.ItemDataRole.UserRole) == name:
                self.labels.setCurrentRow(row)
                return

    # -- askers (tests replace these) ------------------------------------------------

    def ask_text(self, title: str, prompt: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, prompt, QLineEdit.EchoMode.Normal, text)
        return value.strip() if ok and value.strip() else None

    def ask_item(self, title: str, prompt: str, items: list[str]) -> str | None:
        value, ok = QInputDialog.getItem(self, title, prompt, items, 0, False)
        return value if ok else None

    def ask_color(self, initial: str) -> str | None:
        color = QColorDialog.getColor(QColor(initial), self, "Label colour")
        return color.name().upper() if color.isValid() else None

    # -- the form --------------------------------------------------------------------

    def _fill_form(self) -> None:
        if self._filling:
            return
        label = self.current_label()
        widgets: list[QWidget] = [
            self.name_edit,
            self.color_button,
            self.shortcut_edit,
            self.registry_box,
            *self.link_boxes.values(),
            self.attributes,
            self.add_attribute_button,
            self.add_value_button,
            self.remove_button,
            self.delete_button,
        ]
        for widget in widgets:
            widget.setEnabled(label is not None)
        if label is None:
            return
        self.name_edit.setText(label.name)
        self.color_button.setIcon(swatch_icon(label.color))
        self.color_button.setText(f"  {label.color}")
        self.shortcut_edit.setText(label.shortcut)
        self.registry_box.setChecked(label.registry)
        for link_type, box in self.link_boxes.items():
            box.setChecked(link_type in label.links)
        self.attributes.clear()
        for attr in label.attributes:
            top = QTreeWidgetItem(self.attributes, [attr.name, attr.kind])
            top.setData(0, Qt.ItemDataRole.UserRole, (attr.name, None))
            for value in attr.values:
                child = QTreeWidgetItem(top, [value, ""])
                child.setData(0, Qt.ItemDataRole.UserRole, (attr.name, value))
        self.attributes.expandAll()
        self.attributes.resizeColumnToContents(0)

    def _change(self, changes: dict[str, Any]) -> None:
        name = self.current_name()
        if name is not None and not self._filling:
            self.labelChanged.emit(name, changes)

    def _rename(self) -> None:
        label = self.current_label()
        new = self.name_edit.text().strip()
        if label is None or not new or new == label.name:
            if label is not None:
                self.name_edit.setText(label.name)
            return
        self._select_after = new
        self._change({"name": new})

    def _rekey(self) -> None:
        label = self.current_label()
        text = self.shortcut_edit.text().strip()
        key = QKeySequence(text).toString() if text else ""
        if label is None or key == label.shortcut:
            return
        self._change({"shortcut": key})

    def _recolour(self) -> None:
        label = self.current_label()
        if label is None:
            return
        color = self.ask_color(label.color)
        if color and color.upper() != label.color.upper():
            self._change({"color": color.upper()})

    def _relink(self) -> None:
        links = tuple(t for t, box in self.link_boxes.items() if box.isChecked())
        self._change({"links": links})

    def _add_label(self) -> None:
        name = self.ask_text("Add label", "Name of the new label:")
        if name:
            self._select_after = name
            self.labelAdded.emit(name)

    def _delete_label(self) -> None:
        name = self.current_name()
        if name is not None:
            self.labelDeleted.emit(name)

    def _add_attribute(self) -> None:
        label = self.current_label()
        if label is None:
            return
        name = self.ask_text("Add attribute", f"Name of the new attribute of {label.name}:")
        if not name or any(a.name == name for a in label.attributes):
            return
        kind = self.ask_item("Add attribute", f"What kind of value is {name}?", list(KINDS))
        if kind is None:
            return
        self._change({"attributes": (*label.attributes, Attribute(name, kind, ()))})

    def _selected_attribute(self) -> tuple[str, str | None] | None:
        item = self.attributes.currentItem()
        if item is None:
            return None
        found = item.data(0, Qt.ItemDataRole.UserRole)
        return (str(found[0]), found[1]) if found else None

    def _add_value(self) -> None:
        label = self.current_label()
        chosen = self._selected_attribute()
        choices = [a for a in label.attributes if a.kind == "choice"] if label else []
        if label is None or not choices:
            return
        name = chosen[0] if chosen else choices[0].name
        attr = next((a for a in choices if a.name == name), choices[0])
        value = self.ask_text("Add value", f"A new value of {attr.name}:")
        if not value or value in attr.values:
            return
        new = Attribute(attr.name, attr.kind, (*attr.values, value))
        self._change({"attributes": tuple(new if a is attr else a for a in label.attributes)})

    def _remove_attribute_or_value(self) -> None:
        label = self.current_label()
        chosen = self._selected_attribute()
        if label is None or chosen is None:
            return
        name, value = chosen
        out: list[Attribute] = []
        for attr in label.attributes:
            if attr.name != name:
                out.append(attr)
            elif value is not None:
                out.append(
                    Attribute(attr.name, attr.kind, tuple(v for v in attr.values if v != value))
                )
        self._change({"attributes": tuple(out)})
