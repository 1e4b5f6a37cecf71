"""The fast CSV writer: the same bytes as Python's csv module, cell for cell."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.csv_table import CellEncoder, neutralise, write_encoded

# Text that exercises every rule: separators, quotes, line ends, formula starts, emoji.
cells = st.one_of(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.text(alphabet=st.sampled_from(list("a ,\"\r\n=+-@\t'é😀ש")), max_size=12),
    st.text(max_size=20),
)
rows = st.lists(st.lists(cells, min_size=2, max_size=6), max_size=8)


def _reference(header: list[str], table: list[list[object]], formulas: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in table:
        writer.writerow([neutralise(v) if formulas else v for v in row])
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(table=rows, formulas=st.booleans(), cached=st.booleans())
def test_encoded_lines_are_what_the_csv_module_writes(
    table: list[list[object]], formulas: bool, cached: bool
) -> None:
    encoder = CellEncoder(neutralise_formulas=formulas, limit=3)  # small: the cache refills
    encode = encoder if cached else encoder.once
    header = ["id", "a,b", 'say "hi"']
    lines = (",".join(encode(v) if isinstance(v, str) else str(v) for v in row) for row in table)
    out = io.StringIO()
    assert write_encoded(out, header, lines) == len(table)
    assert out.getvalue() == _reference(header, table, formulas)
    # and it reads back as the same cells
    back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    expected = [
        [neutralise(v) if formulas and isinstance(v, str) else str(v) for v in row] for row in table
    ]
    assert back[1:] == expected
