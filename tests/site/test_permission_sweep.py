"""Every URL of the site × every role × another city's object, generated from the URL
configuration, so a new view is swept the day it is added.

Roles: anonymous, the owning city (A), another city (B), the province, the admin. What must hold:
- anonymous: every page but the public ones (login, /healthz/) redirects to a login page;
- city B: never a 500, never another city's data in any answer, no 200 for a URL naming one of
  A's objects (404/403/405, or the admin's login page), and nothing of A's changed by its POSTs;
- province: never a 500, and nothing of A's changed by its empty POSTs (it reviews with filled
  forms, tested in test_review_city.py and test_province_selection.py; it never enters);
- owner and admin: never a 500, and a URL naming A's object is found (proves the object built
  for the sweep is real, so B's 404 means something).

A URL parameter is filled from BUILDERS. A URL with a parameter the table does not know FAILS
the sweep (test_every_url_parameter_has_a_builder) with a message saying what to add here.
(tests/site/test_scoping.py has the narrower original; this generalises it.)
"""

import fnmatch
import inspect
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from captcha.models import CaptchaStore
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from intake.entry import services
from intake.evaluation import services as evaluation_services
from intake.models import City, DeadlineExtension, Nomination, RecognisedUnit, Slate, UnitEvaluation
from intake.review.services import save_slate_contact
from quotas.models import QuotaRule
from tests.factories import credit_code, nominate, open_campaign, pdf_upload, ready_slate, recognised, user

OWNER, OTHER = "huizhou", "qingyuan"
MARKERS = {
    "name": "外市机密单位·惠州甲",
    "contact_email": "secret-huizhou@example.cn",
    "filler_name": "惠州填报人甲",
    "filler_phone": "0752-2888999",
    "unit": "外市机密示范单位·惠州乙",
    "unable_detail": "惠州乙搬迁省外的说明",
}


@dataclass
class World:
    """What the sweep points URLs at: objects of city A (huizhou), seen by city B (qingyuan)."""

    city_a: City
    nomination: Nomination
    withdrawn: Nomination
    slate: Slate
    unit: RecognisedUnit
    by_model: dict = field(default_factory=dict)

    def admin_object(self, model):
        """An object of `model` for the admin's URLs: city A's own where the model has a city."""
        if model in self.by_model:
            return self.by_model[model]
        if model is City:
            obj = self.city_a
        elif any(f.name == "city" for f in model._meta.get_fields()):
            obj = model._default_manager.filter(city=self.city_a).first()
        else:
            obj = model._default_manager.first()
        self.by_model[model] = obj
        return obj


class Foreign(str):
    """A parameter value that names city A's object: city B must not get a 200 for it."""


def admin_pk(w, route):
    obj = w.admin_object(route.model)
    return Foreign(quote(str(obj.pk))) if obj is not None else "999999"


def admin_history_id(w, route):
    obj = w.admin_object(route.model)
    if obj is None or not hasattr(obj, "history"):
        return "999999"
    return Foreign(obj.history.latest("history_date").history_id)


# URL parameter → value. Keys: "<route name>:<param>" (glob patterns allowed in the route name)
# or a bare "<param>" for every route. Positional regex groups are "arg0", "arg1", …
# Name a Foreign(...) for a parameter that identifies city A's object. `pk` has no bare entry on
# purpose: it means a different model in each view, so every such route registers its own.
BUILDERS = {
    "nomination_detail:pk": lambda w, r: Foreign(w.nomination.pk),
    "nomination_withdraw:pk": lambda w, r: Foreign(w.nomination.pk),
    "nomination_restore:pk": lambda w, r: Foreign(w.withdrawn.pk),
    "nomination_new:category": lambda w, r: "project",  # categories are shared, not a city's
    "nomination_review:pk": lambda w, r: Foreign(w.nomination.pk),
    "nomination_reject:pk": lambda w, r: Foreign(w.nomination.pk),
    "nomination_select:pk": lambda w, r: Foreign(w.nomination.pk),
    "nomination_unselect:pk": lambda w, r: Foreign(w.nomination.pk),
    "code": lambda w, r: Foreign(w.city_a.code),  # review/<code>/…, slates/<code>/…: a city's own pages
    "slate_upload:kind": lambda w, r: "letter",  # the clerk's own slate: the URL names no city
    "slate_file:kind": lambda w, r: "letter",
    "unit": lambda w, r: Foreign(w.unit.pk),  # evaluation/units/<unit>/…
    "object_id": admin_pk,
    "admin:*_simple_history:arg0": admin_pk,
    "admin:*_simple_history:arg1": admin_history_id,
    "admin:auth_user_password_change:id": lambda w, r: Foreign(user(OWNER).pk),
    "admin:view_on_site:content_type_id": lambda w, r: ContentType.objects.get_for_model(Nomination).pk,
    # The admin's "view on site" redirect: no model of ours has get_absolute_url, so it is a 404 for all.
    "admin:view_on_site:object_id": lambda w, r: w.nomination.pk,
    "admin:app_list:app_label": lambda w, r: "intake",
    "admin::url": lambda w, r: "intake/no-such-page/",  # the admin's catch-all
    # Accounts: city A's clerk, managed by the province and admins only (cities get a 403).
    "user_detail:account": lambda w, r: Foreign(user(OWNER).pk),
    "user_action:account": lambda w, r: Foreign(user(OWNER).pk),
    "user_action:action": lambda w, r: "enable",  # the account is active: a POST changes nothing
    "captcha-image:key": lambda w, r: CaptchaStore.generate_key(),  # the login page's captcha, public
    # A render of the province-wide Annex 2 PDF (every city's data, city A's among them): not a city's
    # object but the province's document, for the province and admins only (every city gets a 404).
    "render_id": lambda w, r: province_render(w).pk,
}


# Routes that name a city by `?city=<division code>` rather than in the path (the sweep above
# requests them without it, so each role gets its own city's or a 404): another city's code must be
# a 404, the owner's and the province's a 200. Province-only routes (the province's own selection
# and letter) take no city and are swept above like any other.
CITY_QUERY_ROUTES = [
    "annex2_xlsx", "annex2_pdf", "recommendation_letter_docx", "recommendation_letter_pdf",
]


def province_render(world):
    """The province-wide Annex 2 PDF of the world's data, rendered (the tests' tasks run at once)."""
    from intake.models import Render
    from intake.renders.annex2 import PROVINCE_ANNEX2_PDF
    from intake.renders.services import request_render

    if Render not in world.by_model:
        render, _ = request_render(PROVINCE_ANNEX2_PDF, {"campaign": open_campaign().year, "all": False})
        world.by_model[Render] = render
    return world.by_model[Render]


@dataclass
class Route:
    pattern: str  # the full pattern, as in the URL configuration
    name: str  # namespaced ("admin:intake_slate_change"), "admin:" for an unnamed admin pattern
    callback: object
    params: list

    @property
    def public(self):
        return getattr(self.callback, "login_required", True) is False

    @property
    def model(self):
        admin = getattr(self.callback, "model_admin", None) or getattr(inspect.unwrap(self.callback), "__self__", None)
        return getattr(admin, "model", None)

    @property
    def is_admin(self):
        return self.name.startswith("admin:")


def routes(resolver=None):
    """Every URL pattern of the site, with the parameters it takes."""

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(filter(None, [namespace, p.namespace])) or ""
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                regex = p.pattern.regex
                named = list(getattr(p.pattern, "converters", {}) or {}) or list(regex.groupindex)
                positional = [f"arg{i}" for i in range(regex.groups - len(regex.groupindex))]
                name = f"{namespace}:{p.name or ''}" if namespace else (p.name or "")
                yield Route(prefix + str(p.pattern), name, p.callback, named + positional)

    return list(walk((resolver or get_resolver()).url_patterns, "", ""))


def builder_for(route, param):
    keys = [f"{route.name}:{param}", param]
    for key in keys:
        if key in BUILDERS:
            return BUILDERS[key]
    for key, build in BUILDERS.items():
        pattern, _, p = key.rpartition(":")
        if p == param and pattern and fnmatch.fnmatchcase(route.name, pattern):
            return build
    return None


def missing_builders(all_routes):
    return [
        f"URL {route.pattern!r} (route {route.name or '(unnamed)'!r}) takes {param!r}, which the permission "
        f"sweep cannot fill. Register it in tests/site/test_permission_sweep.py, BUILDERS: "
        f"\"{route.name}:{param}\": lambda w, r: Foreign(<id of an object of city A, e.g. w.nomination.pk>) "
        f"(or a plain value when it names nothing city-specific)."
        for route in all_routes
        for param in route.params
        if builder_for(route, param) is None
    ]


def fill(route, world, **replaced):
    """The concrete URL of `route` for `world`, and whether it names one of city A's objects;
    `replaced` gives some parameters other values (tests/site/test_url_fuzz.py)."""
    values = {param: replaced[param] if param in replaced else builder_for(route, param)(world, route)
              for param in route.params}
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m[1]]), route.pattern)  # regex groups first
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), url)
    positional = iter(values[f"arg{i}"] for i in range(len(values)) if f"arg{i}" in values)
    url = re.sub(r"\((?!\?)[^)]*\)", lambda m: str(next(positional)), url)
    url = "/" + url.replace("^", "").replace("$", "")
    return url, any(isinstance(v, Foreign) for v in values.values())


@pytest.fixture
def world(seeded):
    campaign = open_campaign()
    nomination = nominate(
        OWNER, "project", name=MARKERS["name"], contact_email=MARKERS["contact_email"],
        credit_code=credit_code("441300"),
    )
    withdrawn = nominate(OWNER, "enterprise", name=MARKERS["name"] + "（撤回）")
    services.withdraw_nomination(withdrawn, user=user(OWNER))
    save_slate_contact(
        user=user(OWNER), campaign=campaign, city=nomination.city,
        filler_name=MARKERS["filler_name"], filler_phone=MARKERS["filler_phone"],
    )
    # The stamped PDFs of the sheet as it now prints, so slates/<code>/letter.pdf exists (and the
    # slate could be submitted).
    slate = ready_slate(OWNER, campaign, filler=False)
    unit = recognised(OWNER, name=MARKERS["unit"])
    evaluation_services.set_evaluation_state(  # with a written explanation, so its download exists
        user=user(OWNER), campaign=campaign, unit=unit, state=UnitEvaluation.UNABLE, unable_reason="other",
        unable_detail=MARKERS["unable_detail"], explanation=pdf_upload(),
    )
    city_a = nomination.city
    QuotaRule.objects.create(campaign=campaign, scope=QuotaRule.CITY, city=city_a, category_id="project", maximum=2)
    DeadlineExtension.objects.create(campaign=campaign, city=city_a, deadline=campaign.submission_deadline)
    markers = list(MARKERS.values()) + [nomination.credit_code]
    return World(city_a, nomination, withdrawn, slate, unit), markers


def city_a_state(city_a):
    """Everything of city A a foreign request could change."""
    return {
        model.__name__: sorted(map(repr, model._default_manager.filter(city=city_a).values_list()))
        for model in (Nomination, Nomination.history.model, Slate, Slate.history.model, DeadlineExtension, QuotaRule,
                      RecognisedUnit, RecognisedUnit.history.model)
    } | {
        "UnitEvaluation": sorted(map(repr, UnitEvaluation.objects.filter(unit__city=city_a).values_list())),
    }


def login_pages():
    return ("/accounts/login/", "/admin/login/")


def sweep(world_and_markers, username, methods):
    """Request every URL as `username` (None: anonymous); yields (route, url, foreign, method, response)."""
    world, _markers = world_and_markers
    account = user(username) if username else None
    client = Client(raise_request_exception=False)
    for route in routes():
        url, foreign = fill(route, world)
        for method in methods:
            if account is not None:
                account.refresh_from_db()  # "退出所有设备" ends the sessions made from a stale copy
                client.force_login(account)  # again each time: some URLs log out
            response = getattr(client, method)(url)
            yield route, url, foreign, method, response


def test_every_url_parameter_has_a_builder():
    problems = missing_builders(routes())
    assert not problems, "\n".join(problems)


def test_a_url_the_sweep_cannot_fill_fails_with_directions():
    problems = missing_builders(routes(get_resolver("tests.urls_with_unknown_parameter")))
    assert len(problems) == 1
    message = problems[0]
    assert "'widget_id'" in message and "BUILDERS" in message and "tests/site/test_permission_sweep.py" in message


def test_every_url_is_swept():
    all_routes = routes()
    names = {r.name for r in all_routes}
    assert {"home", "nomination_list", "nomination_detail", "nomination_withdraw", "slate_contact",
            "admin:intake_nomination_change", "healthz", "login"} <= names
    assert len(all_routes) > 50


def test_filled_urls_resolve_to_their_own_view(world):
    for route in routes():
        url, _ = fill(route, world[0])
        match = resolve(url)
        assert match.func is route.callback or route.name == "admin:" and match.url_name is None, (route.pattern, url)


def test_anonymous_is_sent_to_log_in(world):
    failures = []
    for route, url, _foreign, method, response in sweep(world, None, ["get", "post"]):
        status = response.status_code
        if route.public:
            if status >= 500:
                failures.append(f"{method.upper()} {url}: {status}")
        elif status != 302 or not response["Location"].startswith(login_pages()):
            failures.append(f"{method.upper()} {url}: {status} {response.get('Location', '')} (not the login page)")
    assert not failures, "\n".join(failures)


def test_another_city_never_sees_or_changes_city_a(world):
    w, markers = world
    before = city_a_state(w.city_a)
    failures = []
    for _route, url, foreign, method, response in sweep(world, OTHER, ["get", "post"]):
        status, body = response.status_code, response.content.decode("utf-8", "replace")
        where = f"{method.upper()} {url} as {OTHER}: {status}"
        if status >= 500:
            failures.append(where)
        leaked = [m for m in markers if m in body]
        if leaked:
            failures.append(f"{where} shows city A's data {leaked}")
        if foreign and status == 200:
            failures.append(f"{where} for city A's object (expected 404, 403 or 405)")
        if foreign and status == 302 and not response["Location"].startswith(login_pages()):
            failures.append(f"{where} redirected to {response['Location']} for city A's object")
    assert city_a_state(w.city_a) == before, f"{OTHER}'s requests changed city A's data"
    assert not failures, "\n".join(failures)


def test_province_reads_but_never_writes(world):
    w, _ = world
    before = city_a_state(w.city_a)
    failures = [
        f"{method.upper()} {url} as province: {response.status_code}"
        for _route, url, _foreign, method, response in sweep(world, "province", ["get", "post"])
        if response.status_code >= 500
    ]
    assert city_a_state(w.city_a) == before, "the province's requests changed city A's data"
    assert not failures, "\n".join(failures)
    client = Client()
    client.force_login(user("province"))
    assert MARKERS["name"] in client.get(f"/nominations/{w.nomination.pk}/").content.decode()


@pytest.mark.parametrize("username", [OWNER, "admin"])
def test_owner_and_admin_find_the_objects_and_never_get_a_500(world, username):
    failures, found = [], {}
    for route, url, foreign, method, response in sweep(world, username, ["get"]):
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} as {username}: {response.status_code}")
        if foreign and route.is_admin == (username == "admin"):
            found[url] = response.status_code
    assert not failures, "\n".join(failures)
    missing = [url for url, status in found.items() if status == 404]
    assert found and not missing, f"the sweep's objects do not exist for {username}: {missing}"


def test_auditor_reads_the_audit_pages_and_nothing_else(world):
    """The auditor (审计员) gets the security log and the change history; every other page is
    refused or sends it there, it changes nothing, and no nomination data reaches it beyond the
    name a change-history entry gives."""
    from intake.accounts.middleware import AUDITOR_PAGES

    w, markers = world
    before = city_a_state(w.city_a)
    failures, seen = [], set()
    beyond_names = [m for m in markers if m not in (MARKERS["name"], MARKERS["unit"])]
    for route, url, _foreign, method, response in sweep(world, "auditor", ["get", "post"]):
        status, body = response.status_code, response.content.decode("utf-8", "replace")
        where = f"{method.upper()} {url} as auditor: {status}"
        if status >= 500:
            failures.append(where)
        if status == 200 and not route.public and route.name not in AUDITOR_PAGES:
            failures.append(f"{where} (not one of the auditor's pages)")
        if status == 200 and route.name in AUDITOR_PAGES:
            seen.add(route.name)
        leaked = [m for m in (beyond_names if route.name == "audit_history" else markers) if m in body]
        if leaked:
            failures.append(f"{where} shows nomination data {leaked}")
    assert city_a_state(w.city_a) == before, "the auditor's requests changed city A's data"
    assert not failures, "\n".join(failures)
    assert {"audit_log", "audit_history", "audit_export"} <= seen


def test_admin_is_not_for_city_staff(world):
    client = Client()
    client.force_login(user(OTHER))
    response = client.get("/admin/intake/nomination/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert settings.LOGIN_URL == "login"


@pytest.mark.parametrize("name", CITY_QUERY_ROUTES)
def test_a_city_named_in_the_query_is_scoped(world, name):
    from django.urls import reverse

    w, markers = world
    url = f"{reverse(name)}?city={w.city_a.code}"
    expected = {None: 302, OTHER: 404, "auditor": None, OWNER: 200, "province": 200, "admin": 200}
    for username, status in expected.items():
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(user(username))
        response = client.get(url)
        if status is None:  # the auditor: refused or sent to its own pages, never the data
            assert response.status_code in (302, 403, 404), (url, username, response.status_code)
        else:
            assert response.status_code == status, (url, username, response.status_code)
        if status != 200:
            body = response.content.decode("utf-8", "replace")
            assert not [m for m in markers if m in body], (url, username)
