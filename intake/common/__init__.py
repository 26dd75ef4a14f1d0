"""Pieces every stage uses and none owns: history saving and reading, local time, locks, the XLSX
reader and writer, the import pipeline, the exporter interface, uploaded PDFs, form fields and
the renderer that draws their widgets, validators of what clerks type, control characters,
request checks, confirmation pages, charts, and deadline-day scale data for benchmarks."""
