"""The kernel every layer shares: settings, errors, models, the data-directory layout; imports no layer."""

__version__ = "0.1.0"
