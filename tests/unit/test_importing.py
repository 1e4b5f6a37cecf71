"""Importing files into a project: encodings, line endings, folders, refusals, and
doccano JSONL with exact offsets (all or nothing per file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.services.importing import ImportReport, import_paths
from annotator.storage import Store

ENGLISH = "Readout of the call.\nThe Minister said the two sides would meet again.\n"
CHINESE = (
    "1月10日，外交部长王毅应约同法国外长通电话。\n"
    "王毅表示，中方愿同法方加强沟通，推动双边关系稳定发展。双方同意保持密切联系。\n"
)
WESTERN = "Le ministre a déclaré à Genève que la coopération était « essentielle ».\n"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def docs_by_source(store: Store) -> dict[str, str]:
    return {d.source: store.get_document(d.id).text for d in store.list_documents()}


def only_doc(store: Store, report: ImportReport) -> tuple[str, dict[str, object]]:
    assert report.ok, report.failed
    ((_, doc_id, _),) = report.imported
    doc = store.get_document(doc_id)
    return doc.text, doc.metadata


# -- plain text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        (ENGLISH + "Emoji 😀 and e\u0301.\n", "utf-8", "utf-8"),
        (ENGLISH, "utf-8-sig", "utf-8-sig"),
        (ENGLISH + CHINESE, "utf-16", None),
        (WESTERN + "Prix : 5 € — “fin”.\n", "cp1252", "cp1252"),
        (CHINESE, "gb18030", "gb18030"),
    ],
)
def test_text_files_in_any_common_encoding(
    store: Store, tmp_path: Path, text: str, codec: str, encoding: str | None
) -> None:
    path = write(tmp_path / "doc.txt", text.encode(codec))
    stored, metadata = only_doc(store, import_paths(store, [path]))
    assert stored == text  # no BOM, no mojibake
    if encoding:
        assert metadata["encoding"] == encoding
    assert metadata["had_bom"] is (codec in ("utf-8-sig", "utf-16"))


def test_crlf_is_normalised_and_recorded(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "win.txt", "Line one.\r\nLine two.\r\n")
    stored, metadata = only_doc(store, import_paths(store, [path]))
    assert stored == "Line one.\nLine two.\n"
    assert metadata["newlines"] == "crlf"
    assert metadata["line_endings_normalised"] is True


def test_markdown_is_imported_as_markdown(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "notes.md", "# Talks\n\nThe *sides* met.\n")
    stored, metadata = only_doc(store, import_paths(store, [path]))
    assert stored == "# Talks\n\nThe *sides* met.\n"
    assert metadata["format"] == "markdown"


def test_title_is_the_first_line(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", "\n\n  Joint Statement  \nBody.\n")
    report = import_paths(store, [path])
    assert store.list_documents()[0].title == "Joint Statement"
    assert report.ok


def test_folder_is_imported_recursively_with_a_summary(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write(folder / "a.txt", "First document.\n")
    write(folder / "sub" / "b.md", "Second document.\n")
    write(folder / "sub" / "deeper" / "c.txt", "Third document.\n")
    write(folder / ".hidden.txt", "Editor backup.\n")
    report = import_paths(store, [folder])
    assert report.ok
    assert report.summary() == "3 imported, 0 skipped, 0 refused"
    assert sorted(docs_by_source(store).values()) == [
        "First document.\n",
        "Second document.\n",
        "Third document.\n",
    ]


def test_the_same_text_twice_is_skipped_with_a_reason(store: Store, tmp_path: Path) -> None:
    first = write(tmp_path / "one.txt", "Same words.\n")
    second = write(tmp_path / "two.txt", "Same words.\r\n")  # same text once normalised
    report = import_paths(store, [first, second])
    assert store.document_count() == 1
    assert [name for name, _ in report.skipped] == [str(second)]
    assert "already" in report.skipped[0][1]
    assert report.ok  # a duplicate is not an error
    again = import_paths(store, [first])
    assert len(again.skipped) == 1 and store.document_count() == 1


def test_bad_files_are_refused_by_name_and_good_ones_still_imported(
    store: Store, tmp_path: Path
) -> None:
    good1 = write(tmp_path / "good1.txt", "A good document.\n")
    binary = write(tmp_path / "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    empty = write(tmp_path / "empty.txt", b"")
    pdf = write(tmp_path / "paper.pdf", b"%PDF-1.4\n...")
    missing = tmp_path / "missing.txt"
    good2 = write(tmp_path / "good2.md", "Another good one.\n")

    report = import_paths(store, [good1, binary, empty, pdf, missing, good2])

    assert not report.ok
    assert sorted(docs_by_source(store)) == sorted([str(good1), str(good2)])
    reasons = dict(report.failed)
    assert set(reasons) == {str(binary), str(empty), str(pdf), str(missing)}
    for name, reason in report.failed:
        assert Path(name).name in reason, "each message names its file"
        assert "\n" not in reason
    assert "binary" in reasons[str(binary)]
    assert "empty" in reasons[str(empty)]
    assert "cannot be read as a PDF" in reasons[str(pdf)]  # a damaged PDF
    assert report.summary() == "2 imported, 0 skipped, 4 refused"


def test_unsupported_file_inside_a_folder_is_named(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write(folder / "ok.txt", "Fine.\n")
    write(folder / "slides.pptx", b"PK\x03\x04")
    report = import_paths(store, [folder])
    assert store.document_count() == 1
    ((name, reason),) = report.failed
    assert name.endswith("slides.pptx")
    assert "slides.pptx" in reason and "not a supported format" in reason


# -- doccano JSONL ---------------------------------------------------------------------


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects)


def test_doccano_spans_keep_exact_offsets_and_add_labels(store: Store, tmp_path: Path) -> None:
    text1 = "President 😀 Lee said: we will cooperate."
    text2 = "Cafe\u0301 talks in תל אביב ended."
    lee = text1.index("Lee")
    will = text1.index("we will")
    tlv = text2.index("תל אביב")
    path = write(
        tmp_path / "ann.jsonl",
        jsonl(
            {"text": text1, "label": [[lee, lee + 3, "speaker"], [will, will + 17, "pledge"]]},
            {"id": 7, "text": text2, "label": [[tlv, tlv + 7, "place"]]},
        ),
    )
    report = import_paths(store, [path])
    assert report.ok, report.failed
    assert len(report.imported) == 2
    spans = {
        s.text: (s.label, s.start, s.end, s.origin)
        for d in store.list_documents()
        for s in store.spans_for_document(d.id)
    }
    assert spans == {
        "Lee": ("speaker", lee, lee + 3, "import"),
        "we will cooperate": ("pledge", will, will + 17, "import"),
        "תל אביב": ("place", tlv, tlv + 7, "import"),
    }
    names = store.tagset().names()
    assert names[:3] == ["speaker", "commitment", "entity"]
    assert {"pledge", "place"} <= set(names)
    colours = [label.color for label in store.tagset().labels]
    assert len(set(colours)) == len(colours)
    second = store.get_document(report.imported[1][1])
    assert second.metadata.get("id") == 7


@pytest.mark.parametrize(
    ("bad_line", "words"),
    [
        ({"text": "short text", "label": [[3, 99, "x"]]}, "outside"),
        ({"text": "short text", "label": [[6, 2, "x"]]}, "inverted"),
        ({"text": "short text", "label": [[0, True, "x"]]}, "integers"),
        ({"text": "short text", "label": [[0, 2]]}, "[start, end"),
        ({"label": []}, "text"),
    ],
)
def test_doccano_bad_line_refuses_the_whole_file(
    store: Store, tmp_path: Path, bad_line: dict[str, object], words: str
) -> None:
    before_good = write(tmp_path / "a_before.txt", "Imported before.\n")
    bad = write(
        tmp_path / "b_bad.jsonl",
        jsonl(
            {"text": "Line one is fine.", "label": [[0, 4, "speaker"]]},
            {"text": "Line two is fine.", "label": []},
            bad_line,
            {"text": "Line four is fine.", "label": []},
        ),
    )
    after_good = write(tmp_path / "c_after.jsonl", jsonl({"text": "Other file.", "label": []}))
    report = import_paths(store, [before_good, bad, after_good])

    assert not report.ok
    ((name, reason),) = report.failed
    assert name == str(bad)
    assert "line 3" in reason and "b_bad.jsonl" in reason and words in reason
    # Nothing from the bad file, everything from the others.
    texts = sorted(docs_by_source(store).values())
    assert texts == ["Imported before.\n", "Other file."]
    assert store.span_count() == 0
    assert "x" not in store.tagset().names()


def test_doccano_broken_json_names_the_line(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "broken.jsonl",
        jsonl({"text": "Fine.", "label": []}) + '{"text": "oops", "label": [\n',
    )
    report = import_paths(store, [path])
    ((_, reason),) = report.failed
    assert "broken.jsonl" in reason and "line 2" in reason and "JSON" in reason
    assert store.document_count() == 0


def test_doccano_crlf_text_is_normalised_and_offsets_remapped(store: Store, tmp_path: Path) -> None:
    text = "Header line\r\nMr Kim said:\r\nWe\r\nagree 😀.\rEnd."
    spans = []
    for fragment in ("Mr Kim", "We\r\nagree 😀", "End"):
        start = text.index(fragment)
        spans.append([start, start + len(fragment), "quote"])
    path = write(tmp_path / "crlf.jsonl", jsonl({"text": text, "label": spans}))
    report = import_paths(store, [path])
    assert report.ok, report.failed
    ((_, doc_id, _),) = report.imported
    doc = store.get_document(doc_id)
    assert "\r" not in doc.text
    assert doc.text == text.replace("\r\n", "\n").replace("\r", "\n")
    assert doc.metadata["line_endings_normalised"] is True
    got = [s.text for s in store.spans_for_document(doc_id)]
    assert got == ["Mr Kim", "We\nagree 😀", "End"]
    for s in store.spans_for_document(doc_id):
        assert doc.text[s.start : s.end] == s.text


def test_doccano_span_that_is_only_a_carriage_return_is_refused_by_line(
    store: Store, tmp_path: Path
) -> None:
    text = "One\r\nTwo"
    path = write(
        tmp_path / "cr.jsonl",
        jsonl({"text": "Fine.", "label": []}, {"text": text, "label": [[3, 4, "x"]]}),
    )
    report = import_paths(store, [path])
    ((_, reason),) = report.failed
    assert "cr.jsonl" in reason and "line 2" in reason
    assert store.document_count() == 0


def test_doccano_duplicate_documents_are_skipped(store: Store, tmp_path: Path) -> None:
    line = {"text": "Same.", "label": [[0, 4, "speaker"]]}
    first = write(tmp_path / "one.jsonl", jsonl(line))
    second = write(tmp_path / "two.jsonl", jsonl(line))
    report = import_paths(store, [first, second])
    assert store.document_count() == 1 and store.span_count() == 1
    assert [n for n, _ in report.skipped] == [str(second)]


def test_hidden_folders_are_not_imported(store: Store, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "speech.txt", "The speech.\n")
    write(repo / ".git" / "config", "[core]\n")
    write(repo / ".git" / "description", "Unnamed repository\n")
    write(repo / ".obsidian" / "workspace.md", "# layout\n")
    report = import_paths(store, [repo])
    assert report.ok, report.failed
    assert list(docs_by_source(store).values()) == ["The speech.\n"]


def test_doccano_relation_export_with_entity_objects(store: Store, tmp_path: Path) -> None:
    # doccano's "JSONL (relation)" export: entities are objects, not triples. They must
    # not be dropped silently.
    text = "Minister 😀 Ruiz pledged aid."
    ruiz = text.index("Ruiz")
    path = write(
        tmp_path / "relations.jsonl",
        jsonl(
            {
                "id": 3,
                "text": text,
                "entities": [
                    {"id": 1, "label": "speaker", "start_offset": ruiz, "end_offset": ruiz + 4},
                    {"id": 2, "label": "commitment", "start_offset": ruiz + 5, "end_offset": 27},
                ],
                "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "said_by"}],
            }
        ),
    )
    report = import_paths(store, [path])
    assert report.ok, report.failed
    ((_, doc_id, _),) = report.imported
    assert [(s.label, s.text) for s in store.spans_for_document(doc_id)] == [
        ("speaker", "Ruiz"),
        ("commitment", "pledged aid"),
    ]
    assert store.get_document(doc_id).metadata["relations"][0]["type"] == "said_by"
