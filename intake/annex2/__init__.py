"""Annex 2, 服务型制造示范推荐汇总表: the sheet's content and its 校验码 (`sheet`), its exports
(`exports`: XLSX and PDF), and the import of a filled-in sheet (`importer`), with their views."""
