"""The PDF template's access to the column layout of `intake.annex2.exports.pdf`."""

from django import template

from intake.annex2.exports.pdf import label_html, laid_out_sections

register = template.Library()


@register.filter
def pdf_sections(sheet):
    """[(heading, tables)] of an Annex 2 sheet, each table with its widths and cells."""
    return laid_out_sections(sheet)


@register.filter
def pdf_label(text):
    return label_html(text)
