"""Use cases over the store: commands with apply/revert, import, export."""
