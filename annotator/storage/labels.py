"""Tag set edits: rename, recolour, change shortcut or attributes, delete a label."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Attribute, Label, TagSet


class LabelQueries:
    """Mixed into :class:`annotator.storage.store.Store`."""

    db: Database

    def transaction(self) -> Any: ...  # provided by Store

    def _load_label_cache(self) -> None: ...  # provided by Store

    def tagset(self) -> TagSet:  # provided by Store
        raise NotImplementedError

    def get_label(self, name: str) -> Label:
        for label in self.tagset().labels:
            if label.name == name:
                return label
        raise AnnotatorError(f"the project has no label {name!r}")

    def label_is_registry(self, name: str) -> bool:
        """Whether spans of label ``name`` attach to canonical entities (False if none)."""
        row = self.db.execute("SELECT registry FROM labels WHERE name = ?", [name]).fetchone()
        return bool(row and row[0])

    def update_label(self, name: str, /, **fields: Any) -> Label:
        """Change a label's name, colour, shortcut, attributes, links or registry flag.

        Spans refer to labels by id, so a renamed label keeps all its spans.
        """
        values: dict[str, Any] = {}
        for key in ("name", "color", "shortcut"):
            if key in fields:
                values[key] = fields.pop(key)
        if "attributes" in fields:
            attrs: tuple[Attribute, ...] = fields.pop("attributes")
            values["attributes"] = json.dumps(
                [{"name": a.name, "kind": a.kind, "values": list(a.values)} for a in attrs]
            )
        if "links" in fields:
            values["links"] = json.dumps(list(fields.pop("links")))
        if "registry" in fields:
            values["registry"] = int(bool(fields.pop("registry")))
        if fields:
            raise ValueError(f"cannot update label fields {sorted(fields)}")
        label = self.get_label(name)
        if values:
            assignments = ", ".join(f"{k} = ?" for k in values)
            with self.transaction():
                self.db.execute(
                    f"UPDATE labels SET {assignments} WHERE id = ?", [*values.values(), label.id]
                )
            self._load_label_cache()
        return self.get_label(values.get("name", name))

    def delete_label(self, name: str) -> None:
        """Delete a label that no span uses any more."""
        label = self.get_label(name)
        with self.transaction():
            used = self.db.execute(
                "SELECT count(*) FROM spans WHERE label_id = ?", [label.id]
            ).fetchone()[0]
            if used:
                raise AnnotatorError(f"label {name!r} still has {used} spans")
            self.db.execute("DELETE FROM labels WHERE id = ?", [label.id])
        self._load_label_cache()

    def label_positions(self) -> dict[str, int]:
        rows = self.db.execute("SELECT name, position FROM labels").fetchall()
        return {r[0]: r[1] for r in rows}

    def set_label_position(self, name: str, position: int) -> None:
        with self.transaction():
            self.db.execute("UPDATE labels SET position = ? WHERE name = ?", [position, name])
