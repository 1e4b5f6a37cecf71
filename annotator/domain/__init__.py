"""The core vocabulary, standard library only."""

from annotator.domain.errors import AnnotatorError, FormatError, OffsetError, ProjectError
from annotator.domain.model import (
    Attribute,
    Document,
    DocumentSummary,
    Entity,
    Label,
    Link,
    Sentence,
    Span,
    TagSet,
    check_offsets,
    sha256_text,
)

__all__ = [
    "AnnotatorError",
    "Attribute",
    "Document",
    "DocumentSummary",
    "Entity",
    "FormatError",
    "Label",
    "Link",
    "OffsetError",
    "ProjectError",
    "Sentence",
    "Span",
    "TagSet",
    "check_offsets",
    "sha256_text",
]
