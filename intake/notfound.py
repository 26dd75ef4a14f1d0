"""The site's own 404 page under DEBUG too.

With DEBUG on (`make run`), Django answers a 404 with its technical page: English, and listing
every URL pattern of the site. A newcomer's first run should look like production, so this
middleware answers with the site's own page (templates/404.html) unless a developer asks for the
technical one with DEBUG_TECHNICAL_404=1 (settings.TECHNICAL_404). With DEBUG off it does nothing:
Django already uses the site's page.
"""

from django.conf import settings
from django.http import Http404
from django.urls import Resolver404, get_resolver, get_urlconf


def _site_page_wanted():
    return settings.DEBUG and not getattr(settings, "TECHNICAL_404", False)


def _site_not_found(request, exception):
    """What Django answers with DEBUG off: the configured handler404 (the site's 404.html)."""
    resolver = get_resolver(get_urlconf())
    return resolver.resolve_error_handler(404)(request, exception)


class SiteNotFoundMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _site_page_wanted():
            # An address no URL pattern matches never reaches a view (nor process_exception).
            try:
                get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
            except Resolver404 as exc:
                return _site_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and _site_page_wanted():
            return _site_not_found(request, exception)
        return None
