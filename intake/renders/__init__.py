"""Heavy documents rendered off the request path.

A web request asks for a document (`services.request_render`): when the same data was rendered
before, it gets the stored file at once; otherwise a `Render` row is queued, the background worker
(`manage.py render_worker`, django-tasks' database backend: the queue is a table of our own
database, no broker) renders it, and the request gets a page saying it is being prepared, with the
previous version of the same document (its 校验码 and time) clearly marked as such.

A document is made of parts (the province-wide Annex 2: the 汇总's head, its list in blocks of a
few cities, and one sheet per city), each rendered on its own and stored under its own content
digest, so after one city changes only that city's sheet, its block and the 汇总's head are
rendered again; the worker spreads the parts over a pool of processes
(at most one per core) and assembles them with pypdf. Kinds of documents are registered in
`kinds.py`: any heavy export (a letter rendered from its content) plugs in the same way.

Nothing here imports Django at module level: `pdfwork` runs in the pool's processes.
"""
