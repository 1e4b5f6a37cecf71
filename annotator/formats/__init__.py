"""One module per file format: pure readers and writers over domain objects."""
