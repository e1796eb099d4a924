"""ctip: one platform for the people who counter human trafficking."""

__version__ = "0.1.0"
