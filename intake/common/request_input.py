"""What a request may carry, checked once for every view.

- NUL characters: no page, parameter or field of this site takes one, and PostgreSQL refuses them
  in any text it is given, so a path holding one is a 404 and a query or form value a 400, before
  any view runs (`RefuseNulMiddleware`).
- Integers: `parse_int` is how every view reads a number from the request (a year, a page, an
  id in a field name); it accepts ASCII digits only, because Python's `int()` also reads “²”
  (and fails) or “١٢” (and succeeds), which no form of ours offers. `IdChoiceField` applies the
  same rule to the ids a form's select sends.
"""

import re

from django import forms
from django.db import models
from django.http import Http404, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from intake.common.forms import ReadInOneQuery

INT_RE = re.compile(r"[0-9]{1,18}")  # 18 digits fit every integer column of the database


def parse_int(value):
    """The non-negative integer `value` spells in ASCII digits, else None."""
    if isinstance(value, str) and INT_RE.fullmatch(value.strip()):
        return int(value)
    return None


class IdChoiceField(forms.ModelChoiceField):
    """A select of objects by id that refuses ids not written in ASCII digits like any unknown id."""

    iterator = ReadInOneQuery

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField) and parse_int(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("地址中含有不可见的控制字符（NUL）。")
        if _has_nul(request.GET):
            return _bad_request(request, "地址中的参数含有不可见的控制字符（NUL），请检查链接是否完整正确。")
        if request.method == "POST":
            try:
                posted = request.POST
            except (MultiPartParserError, OSError):  # a malformed or cut-off upload
                return _bad_request(request, "提交的内容不完整或格式有误，请返回上一页重新提交。")
            if _has_nul(posted):
                return _bad_request(request, "提交的内容含有不可见的控制字符（NUL），请删除后重新提交。")
        return self.get_response(request)


def _has_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def _bad_request(request, reason):
    return HttpResponseBadRequest(render_to_string("400.html", {"reason": reason}, request))
