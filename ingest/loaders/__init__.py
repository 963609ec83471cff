"""Document loaders: one module per input format, each returning ParsedDocument objects."""
