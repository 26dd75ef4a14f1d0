"""The Annex 2 pages: downloads (`exports`) and a city's import (`imports`)."""
