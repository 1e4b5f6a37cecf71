"""annotator: tag speakers, commitments and entities in documents."""

__version__ = "0.1.0"
