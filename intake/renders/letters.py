"""The recommendation letters' PDFs as render kinds: one part each, the letter's HTML.

The content (`letters.content`) is read in the request, cheaply; WeasyPrint runs in the worker like
the province-wide Annex 2. The digest is the letter's own (everything it prints, its date included)
plus the renderer's fingerprint (template, faces found, WeasyPrint's version).
"""

from intake.letters import content, pdf
from intake.renders import kinds, pdfwork


class LetterPdfKind(kinds.SinglePartKind):
    mimetype = pdf.MIMETYPE

    def letter(self, params):
        raise NotImplementedError

    def describe(self, params):
        letter = self.letter(params)
        return kinds.Document(
            digest=kinds.digest_of(self.name, pdf.fingerprint(), letter.digest()),
            filename=letter.filename("pdf"), fallback_filename=letter.ascii_filename("pdf"),
            code=letter.annex2_code, content=letter,
        )

    def parts(self, document):
        letter = document.content
        return [kinds.Part(document.digest, "", pdfwork.render_html, lambda: pdf.html(letter))]


class CityLetterPdf(LetterPdfKind):
    """A city bureau's letter to the department: its own clerks, and the province."""

    name = "recommendation_letter_pdf"
    verbose_name = "推荐函（PDF）"

    def allowed(self, user, params):
        if not user.is_authenticated:
            return False
        if user.is_city_staff:
            return user.city.code == params["city"]
        return user.sees_all_cities

    def letter(self, params):
        from intake.models import Campaign, City

        campaign = Campaign.objects.get(year=params["campaign"])
        return content.city_letter(campaign, City.objects.get(code=params["city"]))


class ProvinceLetterPdf(LetterPdfKind):
    """The department's letter to the ministry's general office: reviewers only."""

    name = "province_letter_pdf"
    verbose_name = "省厅推荐函（PDF）"

    def allowed(self, user, params):
        from intake.scoping import has_permission

        return bool(user.is_authenticated and has_permission("review", user))

    def letter(self, params):
        from intake.models import Campaign

        return content.province_letter(Campaign.objects.get(year=params["campaign"]))


CITY_LETTER_PDF = kinds.register(CityLetterPdf())
PROVINCE_LETTER_PDF = kinds.register(ProvinceLetterPdf())
