"""Entry (notice 三(一)–(二)): a city bureau enters its nominees in the five categories, within
its quota and before its deadline; the home pages. `services` writes, `selectors` reads, `forms`,
`views`; the import of a filled-in Annex 2 (`intake/annex2/importer.py`) enters rows through
`services.import_nominations`."""
