"""The slate's pages: the city's (`slate`) and the province's (`province`)."""
