"""Every export is an `Exporter` (`render(...) -> (filename, mimetype, bytes)`) and is sent by
`attachment`, which names the file for every client."""

from django.urls import get_resolver

from intake.common.exports import Exporter, attachment


def concrete_exporters():
    get_resolver().url_patterns  # noqa: B018 (imports every view, and so every exporter it uses)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [cls for cls in subclasses(Exporter) if cls.identifier]


def test_every_export_says_what_it_is():
    exporters = concrete_exporters()
    names = {cls.__name__ for cls in exporters}
    assert {"Annex2Xlsx", "Annex2Pdf", "LetterDocx", "LetterPdf", "RegistryExport", "RegistryImportTemplate",
            "SecurityLogExport"} <= names
    for cls in exporters:
        assert cls.verbose_name and cls.extension and cls.mimetype, cls
        assert cls.render is not Exporter.render, cls


def test_an_attachment_carries_the_chinese_name_and_an_ascii_one():
    response = attachment("附件2_清远市.xlsx", "application/x-test", b"data", fallback="annex2_441800.xlsx")
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="annex2_441800.xlsx"; filename*=utf-8\'\'')
    assert response.content == b"data" and response["Content-Type"] == "application/x-test"
