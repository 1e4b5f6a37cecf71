"""Tag sets in TOML: the default one, round trips, and clear errors for bad files."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.errors import FormatError
from annotator.domain.model import Attribute, Label, TagSet
from annotator.domain.tagset import dump_tagset, parse_tagset
from annotator.resources import read_text


@pytest.fixture
def default() -> TagSet:
    return parse_tagset(read_text("tagsets", "default.toml"), name="default.toml")


def test_default_tagset_has_the_three_labels_with_keys_and_colours(default: TagSet) -> None:
    assert default.names() == ["speaker", "commitment", "entity"]
    labels = default.by_name()
    assert [labels[n].shortcut for n in default.names()] == ["1", "2", "3"]
    assert labels["speaker"].color == "#0072B2"
    assert labels["commitment"].color == "#D55E00"
    assert labels["entity"].color == "#009E73"
    # A commitment can be linked to its speaker and to whom it binds.
    assert {"said_by", "binds"} <= set(labels["commitment"].links)
    modality = {a.name: a for a in labels["commitment"].attributes}["modality"]
    assert modality.kind == "choice" and "obligation" in modality.values


def test_default_round_trips(default: TagSet) -> None:
    assert parse_tagset(dump_tagset(default)) == default


names = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)
colours = st.from_regex(r"\A#[0-9A-F]{6}\Z")
attributes = st.builds(
    Attribute,
    name=names,
    kind=st.sampled_from(["choice", "text", "bool"]),
    values=st.lists(st.text(max_size=8), max_size=3).map(tuple),
)


@st.composite
def tagsets(draw: st.DrawFn) -> TagSet:
    label_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    keys = draw(st.lists(st.text(max_size=2), min_size=len(label_names), max_size=4))
    labels = []
    for i, name in enumerate(label_names):
        labels.append(
            Label(
                name=name,
                color=draw(colours),
                # distinct shortcuts (or none)
                shortcut=keys[i] if keys[i] not in keys[:i] else "",
                attributes=tuple(draw(st.lists(attributes, max_size=2))),
                links=tuple(draw(st.lists(st.text(max_size=6), max_size=2))),
                registry=draw(st.booleans()),
            )
        )
    return TagSet(tuple(labels))


@given(tagsets())
def test_any_tagset_round_trips(tagset: TagSet) -> None:
    # Names with quotes, backslashes, control characters or DEL must survive the trip.
    assert parse_tagset(dump_tagset(tagset)) == tagset


def test_lowercase_colour_is_accepted_and_normalised() -> None:
    tagset = parse_tagset('[[label]]\nname = "x"\ncolor = "#abcdef"\n')
    assert tagset.labels[0].color == "#ABCDEF"


def test_missing_colour_gets_a_palette_colour() -> None:
    tagset = parse_tagset('[[label]]\nname = "x"\n[[label]]\nname = "y"\n')
    first, second = (label.color for label in tagset.labels)
    assert first != second
    assert all(c.startswith("#") and len(c) == 7 for c in (first, second))


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ('[[label]\nname = "x"', "not valid TOML"),
        ('title = "no labels"', "no [[label]]"),
        ('[[label]]\ncolor = "#000000"', "no name"),
        ('[[label]]\nname = "x"\n[[label]]\nname = "x"', "defined twice"),
        ('[[label]]\nname = "x"\ncolor = "red"', "not #RRGGBB"),
        ('[[label]]\nname = "x"\n[[label.attribute]]\nname = "a"\nkind = "number"', "kind"),
        ('[[label]]\nname = "x"\n[[label.attribute]]\nkind = "text"', "has no name"),
        ('[[label]]\nname = "x"\nregistry = "false"', "registry"),
        ('[[label]]\nname = "x"\nattribute = [1]', "attribute"),
        ('[[label]]\nname = "x"\nlinks = "is"', "links"),
        ('[[label]]\nname = "x"\n[[label.attribute]]\nname = "a"\nvalues = "yes"', "values"),
        (
            '[[label]]\nname = "x"\nshortcut = "1"\n[[label]]\nname = "y"\nshortcut = "1"',
            "shortcut",
        ),
    ],
)
def test_bad_tagsets_raise_format_error_naming_the_problem(source: str, words: str) -> None:
    with pytest.raises(FormatError, match=re.escape(words)) as info:
        parse_tagset(source, name="mine.toml")
    assert str(info.value).startswith("mine.toml:")
