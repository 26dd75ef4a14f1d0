"""Evaluation of the demonstration units of batches 1–4 (notice 四): the registry of recognised
units, each unit's state per campaign, its deadlines, the import and export, and the nominee
cross-check. `services` writes, `selectors` reads, as in the rest of `intake`."""
