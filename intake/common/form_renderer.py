"""How forms and their widgets are drawn: by Django's own form and widget templates, in the Jinja2
language Django ships them in too, because Django's template language spent most of a page on
them (the formal review table draws five widgets a nominee, each select an included template per
option). The HTML is Django's either way: Django keeps both sets of templates alike and tests its
widgets against both. A template written only for Django's language (the admin's widgets) is
drawn by that language, as before."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self._django_templates.get_template(template_name)

    _django_templates = DjangoTemplates()
