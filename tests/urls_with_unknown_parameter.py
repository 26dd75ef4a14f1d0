"""The site's URLs plus one whose parameter the permission sweep does not know (its self-test)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("widgets/<int:widget_id>/", lambda request, widget_id: HttpResponse())]
