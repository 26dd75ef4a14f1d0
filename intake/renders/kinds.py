"""Kinds of documents the worker renders: a small registry.

A kind says, for its parameters (JSON: a campaign's year, a flag…):

- `allowed(user, params)`: who may have the document (the download of a stored render checks it);
- `describe(params) -> Document`: what the document is about, cheaply (the queries that build its
  content, no rendering): its `digest` (of exactly what it prints, plus what else decides the
  output: code, template, font, library), file name and 校验码. The web request calls it to find a
  finished render of the same data;
- `parts(document) -> [Part]`: the pieces rendered separately, each with its own digest, a
  module-level `renderer` run in the worker's pool, and a `payload` callable giving its picklable
  input (built only when the part is not stored yet);
- `assemble(document, parts, datas) -> (bytes, pages)`: the document from its parts' bytes.

A document of one piece (a letter: its content rendered to bytes by a pure function) is a kind with
one part, whose `assemble` returns the part as it is (`SinglePartKind`). Register a kind with
`register(MyKind())`; `get(name)` finds it (an unknown name is a KeyError).
"""

import hashlib
from dataclasses import dataclass, field


@dataclass
class Document:
    digest: str
    filename: str
    fallback_filename: str
    code: str = ""  # 校验码 printed on the document, shown beside a previous version
    content: object = None  # what `parts` needs (kind-specific), kept from `describe`
    extra: dict = field(default_factory=dict)


@dataclass
class Part:
    digest: str
    title: str  # its outline entry (bookmark) in the assembled document; "" for none
    renderer: object  # module-level function payload -> bytes (runs in a pool process)
    payload: object  # callable () -> the renderer's argument
    extra: dict = field(default_factory=dict)  # what the kind's `assemble` needs to know of it


class RenderKind:
    name = ""
    verbose_name = ""
    mimetype = "application/pdf"
    extension = "pdf"

    def allowed(self, user, params):
        raise NotImplementedError

    def scope(self, params):
        """Which document this is, whatever its data (the previous version is the last finished
        render of the same kind and scope)."""
        return ":".join(f"{k}={params[k]}" for k in sorted(params))

    def describe(self, params):
        raise NotImplementedError

    def parts(self, document):
        raise NotImplementedError

    def assemble(self, document, parts, datas):
        raise NotImplementedError


class SinglePartKind(RenderKind):
    """A document rendered in one piece: `render(content) -> bytes` (module-level, pure)."""

    renderer = None

    def parts(self, document):
        return [Part(document.digest, "", type(self).renderer, lambda: document.content)]

    def assemble(self, document, parts, datas):
        import io

        from pypdf import PdfReader

        return datas[0], len(PdfReader(io.BytesIO(datas[0])).pages)


def digest_of(*pieces):
    return hashlib.sha256("\x1f".join(str(p) for p in pieces).encode()).hexdigest()


REGISTRY = {}


def register(kind):
    if kind.name in REGISTRY and type(REGISTRY[kind.name]) is not type(kind):
        raise ValueError(f"render kind {kind.name!r} registered twice")
    REGISTRY[kind.name] = kind
    return kind


def unregister(name):
    REGISTRY.pop(name, None)


def get(name):
    return REGISTRY[name]
