"""Every evaluation page renders for the roles that may see it, without nested forms (a form
inside a form sends nothing when its button is pressed, which the test client cannot notice)."""

from html.parser import HTMLParser

import pytest

from tests.factories import recognised


class FormNesting(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


@pytest.mark.parametrize("who, urls", [
    ("qingyuan", ["/evaluation/", "/evaluation/outstanding/", "/evaluation/units/{unit}/"]),
    ("province", ["/evaluation/", "/evaluation/outstanding/", "/evaluation/units/", "/evaluation/units/new/",
                  "/evaluation/units/{unit}/", "/evaluation/units/{unit}/edit/", "/evaluation/import/",
                  "/evaluation/extensions/"]),
])
def test_pages_render_without_nested_forms(client_for, seeded, who, urls):
    unit = recognised("qingyuan")
    client = client_for(who)
    for url in urls:
        response = client.get(url.format(unit=unit.pk))
        assert response.status_code == 200, url
        parser = FormNesting()
        parser.feed(response.content.decode())
        assert parser.deepest == 1 and parser.depth == 0, url
