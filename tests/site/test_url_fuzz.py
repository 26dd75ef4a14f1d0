"""Every URL pattern of the site, generated from the URL configuration as the permission sweep is,
requested with hostile paths and parameters, GET and POST, as each role: never a 500. A new view is
fuzzed the day it is added, with the parameters it reads.

For each route: each path parameter replaced by hostile values (NUL, overlong, digits that are not
ASCII, traversal …); the query parameters the view reads (recorded while it answers a plain
request) and an unknown one, set to hostile values all at once and one by one; the POST fields it
reads, those the site's forms send to it (found on every page, `form=` attributes included), the
same names with their digits replaced by “²” or “١”, and an unknown one, set to each hostile value.
A fixed corpus, so a run takes the same time and a failure repeats: the whole of it as the roles
that reach deepest into the views (the city that owns the objects, the province), a lighter one as
the others and in Django's admin. Every request runs in a savepoint that is rolled back. Form
fields get generated values in tests/site/test_form_fuzz.py.
"""

import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.db import transaction
from django.http import QueryDict
from django.test import Client

from tests.factories import submit, user
from tests.site.test_permission_sweep import OTHER, OWNER, fill, routes, world  # noqa: F401 (world is a fixture)


@dataclass(frozen=True)
class Corpus:
    path: list  # for each path parameter (URL-encoded)
    values: list  # for every parameter at once, GET and POST
    one_by_one: list = field(default_factory=list)  # for each query parameter alone
    post_paths: bool = True  # the hostile paths POSTed too


FULL = Corpus(
    path=["%00", "9" * 30, "9" * 5000, "x" * 1000, quote("²"), quote("١٢"), "%ff%fe"],
    values=["\x00", "²", "١٢", "9" * 25, "x" * 5000, "'\"<>&;%ff\ufeff\u202e", "2023-02-30",
            "1"],  # a plausible value, so that a hostile field *name* reaches the code that parses it
    one_by_one=["²", "9" * 25, "x" * 5000],  # NUL is refused before any view, whatever the parameter
)
LIGHT = Corpus(path=["%00", "9" * 5000, quote("²")], values=["\x00", "²", "x" * 5000], post_paths=False)
CORPUS = {None: LIGHT, OWNER: FULL, OTHER: LIGHT, "province": FULL, "admin": LIGHT}
UNKNOWN = "zz_unknown"
@contextmanager
def recording_reads():
    """The keys views read from request.GET and request.POST while this block runs."""
    read = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def spy(name):
        def wrapper(self, key, *args, **kwargs):
            if isinstance(key, str):
                read.add(key)
            return originals[name](self, key, *args, **kwargs)

        return wrapper

    for name in originals:
        setattr(QueryDict, name, spy(name))
    try:
        yield read
    finally:
        for name, method in originals.items():
            setattr(QueryDict, name, method)


class FormFields(HTMLParser):
    """{path a form posts to: {name of a field: the value the page gives it}}, from one page."""

    def __init__(self, page_path):
        super().__init__()
        self.page_path, self.action, self.ids, self.outside = page_path, None, {}, []
        self.fields = defaultdict(dict)
        self.select = None  # (form id, action, name) of the select being read, and whether an option was chosen

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.action = urlsplit(attrs.get("action") or self.page_path).path
            if attrs.get("id"):
                self.ids[attrs["id"]] = self.action
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            self._value(attrs.get("form"), attrs["name"], attrs.get("value") or "")
            if tag == "select":
                self.select = (attrs.get("form"), attrs["name"], False)
        elif tag == "option" and self.select:
            form_id, name, chosen = self.select
            if not chosen or "selected" in attrs:  # the first option, unless another is selected
                self._value(form_id, name, attrs.get("value") or "")
                self.select = (form_id, name, True)

    def _value(self, form_id, name, value):
        if form_id:
            self.outside.append((form_id, name, value))
        elif self.action:
            self.fields[self.action][name] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.action = None
        elif tag == "select":
            self.select = None

    def found(self):
        for form_id, name, value in self.outside:
            if form_id in self.ids:
                self.fields[self.ids[form_id]][name] = value
        return self.fields


def client_as(username):
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(user(username))
    return client


def request(client, method, url, data=None):
    with transaction.atomic():
        response = getattr(client, method)(url, data or {})
        transaction.set_rollback(True)
    return response


def site_forms(client, urls):
    """What every page's forms send, by the path they send it to."""
    fields = defaultdict(dict)
    for url in urls:
        page = request(client, "get", url)
        if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
            parser = FormFields(urlsplit(url).path)
            parser.feed(page.content.decode("utf-8", "replace"))
            for action, names in parser.found().items():
                fields[action].update(names)
    return fields


def reads_of(client, url):
    with recording_reads() as read:
        request(client, "get", url)
        request(client, "post", url)
    return read


def digit_variants(names):
    """copies-12 → copies-², copies-١٢: names whose digits a view parses."""
    return [re.sub(r"\d+", digits, name) for name in names if re.search(r"\d", name) for digits in ("²", "١٢")]


def requests_for(route, world_objects, client, forms, corpus=FULL):
    """(method, url, data) for every hostile variant of `route`."""
    url, _ = fill(route, world_objects)
    variants = ([url + "%00", url + "x" * 1000] if not route.params else
                [fill(route, world_objects, **{param: value})[0] for param in route.params for value in corpus.path])
    for variant in variants:
        yield "get", variant, None
        if corpus.post_paths:
            yield "post", variant, None
    read = reads_of(client, url)
    form = {k: v for k, v in forms.get(urlsplit(url).path, {}).items() if k != "csrfmiddlewaretoken"}
    get_keys = sorted(read) + [UNKNOWN]
    post_keys = sorted(read | set(form))
    renamed = digit_variants(post_keys)
    post_keys += renamed + [UNKNOWN]
    for value in corpus.values:
        yield "get", url, dict.fromkeys(get_keys, value)
        yield "post", url, dict.fromkeys(post_keys, value)
    if renamed:  # what the page's form sends, plus its numbered names with other digits
        yield "post", url, {**form, **dict.fromkeys(renamed, "1")}
    for key in get_keys:
        for value in corpus.one_by_one:
            yield "get", url, {key: value}


def fuzz(world_objects, username, chosen):
    """Every hostile request to the `chosen` routes as `username`; the ones that answered 500."""
    client = client_as(username)
    filled = [fill(route, world_objects)[0] for route in routes() if not route.is_admin and not route.params] + [
        fill(route, world_objects)[0] for route in routes() if not route.is_admin and route.params]
    forms = site_forms(client, filled) if username else {}
    failures = []
    for route in chosen:
        anonymous_redirect = username is None and not route.public
        logs_out = route.name.rpartition(":")[2] == "logout"
        corpus = LIGHT if route.is_admin else CORPUS[username]
        if username:
            client.force_login(user(username))
        for method, url, data in requests_for(route, world_objects, client, forms, corpus):
            if anonymous_redirect and data is not None:
                continue  # the login page answers everything else
            if username and logs_out:
                client.force_login(user(username))
            response = request(client, method, url, data)
            if response.status_code >= 500:
                shown = {k[:40]: v[:20] for k, v in (data or {}).items()}
                failures.append(f"{method.upper()} {url[:100]} {shown} as {username or 'anonymous'}: "
                                f"{response.status_code}")
    return failures


SITE = [route for route in routes() if not route.is_admin]
ADMIN = [route for route in routes() if route.is_admin]


@pytest.mark.parametrize("username", [None, OWNER, OTHER, "province", "admin"])
def test_no_hostile_url_or_parameter_yields_a_500(world, username):  # noqa: F811 (the fixture)
    if username == "province":
        submit(OWNER)  # what the province does with a slate (paper copies, return, accept) shows then
    failures = fuzz(world[0], username, SITE)
    assert not failures, "\n".join(failures[:30])


def test_the_admin_neither(world):  # noqa: F811 (the fixture)
    failures = fuzz(world[0], "admin", ADMIN)
    assert not failures, "\n".join(failures[:30])


def test_each_route_is_fuzzed_with_what_it_reads_and_what_forms_send_it(world):  # noqa: F811 (the fixture)
    by_name = {r.name: r for r in routes()}
    client = client_as("province")
    url, _ = fill(by_name["evaluation_registry"], world[0])
    assert {"city", "kind", "batch", "active", "q", "page"} <= reads_of(client, url)
    submit(OWNER)  # the paper copies form shows while the slate is with the province
    review = fill(by_name["review_city"], world[0])[0]
    forms = site_forms(client, [review])
    paper = urlsplit(fill(by_name["slate_paper"], world[0])[0]).path
    assert forms[paper]["campaign"] and any(name.startswith("copies-") for name in forms[paper])
    assert {"copies-²", "copies-١٢"} <= set(digit_variants(forms[paper]))
    requests = list(requests_for(by_name["slate_paper"], world[0], client, forms))
    assert {"campaign": forms[paper]["campaign"], "copies-²": "1"}.items() <= next(
        data for _method, _url, data in requests if data and data.get("copies-²") == "1" and data.get("campaign") != "1"
    ).items()
    assert any("%00" in url for _method, url, _data in requests)
