"""Every admin URL × anonymous, a city clerk, the province (view-only), the admin × GET and POST,
judged by the database: nothing changes where the role may not change it, and where the admin may,
the change goes through the model's service and leaves its history.

The POSTs are what an attacker would send: the admin's own change form posted back with a field
changed, the history form of the oldest version posted back with `_save` (a revert), a delete
confirmation, every action on a selected row; for view-only models the form the admin would have
built.

Three tables say who may do what; a registered model, an admin URL or an action without a row
FAILS test_every_admin_url_model_and_action_has_a_row, with what to add (like BUILDERS in
tests/site/test_permission_sweep.py):
- MODELS: per registered model, whether the admin edits it and the service its saves must call;
- SITE: the admin's own pages (index, login, password change, …);
- ACTIONS: per action, the roles that may run it and the service it must call.
"""

import contextlib
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, models
from django.test import Client, RequestFactory
from django.urls import reverse

from intake.campaigns.services import grant_extension
from intake.entry import services
from intake.evaluation import services as evaluation_services
from intake.models import Campaign, City, Nomination, UnitEvaluation
from tests.factories import accepted, nominate, open_campaign, recognised, user
from tests.site.test_permission_sweep import Route, login_pages, routes

ROLES = {"anonymous": None, "city": "qingyuan", "province": "province", "admin": "admin"}
OWNER = "qingyuan"


@dataclass(frozen=True)
class Policy:
    """What the admin may do with a model's rows: `service` (dotted path) is what its add and
    change must call; `admin_writes` without a service is for Django's own tables."""

    admin_writes: bool = False
    service: str | None = None
    admin_deletes: bool = False


READ_ONLY = Policy()

MODELS = {
    "intake.city": Policy(True, "intake.campaigns.services.save_city"),
    "intake.category": Policy(True, "intake.campaigns.services.save_reference"),
    "intake.demomode": Policy(True, "intake.campaigns.services.save_reference"),
    "intake.campaign": Policy(True, "intake.campaigns.services.save_reference"),
    "intake.deadlineextension": Policy(True, "intake.campaigns.services.grant_extension"),
    "intake.user": Policy(True, "intake.campaigns.services.save_account"),
    "intake.recognisedunit": Policy(True, "intake.evaluation.services.save_unit"),
    "quotas.quotarule": Policy(True, "quotas.services.save_quota_rule"),
    # Written only by the services the app's pages call: read-only in the admin for everyone.
    "intake.nomination": READ_ONLY,
    "intake.slate": READ_ONLY,
    "intake.slateevent": READ_ONLY,
    "intake.unitevaluation": READ_ONLY,
    # Django's permission groups (who may view what in the admin): the admin's, no domain rule.
    "auth.group": Policy(admin_writes=True),
    # django-axes: deleting an attempt lifts a lock-out; its logs stay.
    "axes.accessattempt": Policy(admin_deletes=True),
    "axes.accesslog": READ_ONLY,
    "axes.accessfailurelog": READ_ONLY,
}
KINDS = ("changelist", "add", "change", "delete", "history", "simple_history", "redirect")

# The admin's own pages. None of them writes domain data; POSTed empty they change nothing.
SITE = {
    "admin:index": "the admin's home",
    "admin:login": "login page (the only admin page an anonymous visitor gets)",
    "admin:logout": "log out (POST)",
    "admin:password_change": "a staff user changes their own password",
    "admin:password_change_done": "",
    "admin:autocomplete": "autocomplete of foreign keys (reads)",
    "admin:jsi18n": "",
    "admin:view_on_site": "redirect to an object's page (none of ours has one: 404)",
    "admin:app_list": "one app's models",
    "admin:auth_user_password_change": "the admin sets a user's password (an empty POST changes nothing)",
    "admin:(catch-all)": "any other path under /admin/",
}


@dataclass(frozen=True)
class ActionPolicy:
    roles: frozenset
    service: str | None = None
    writes: tuple = ()  # the tables it may change (with their history)


ACTIONS = {
    "intake.campaign:copy_previous_quota_rules": ActionPolicy(
        frozenset({"admin"}), "quotas.services.copy_quota_rules", ("quotas.quotarule",)),
    "axes.accessattempt:cleanup_expired_attempts": ActionPolicy(frozenset({"admin"}), None, ("axes.accessattempt",)),
}


# --- what the site has ---------------------------------------------------------------------------


def registered():
    return {model._meta.label_lower: (model, model_admin) for model, model_admin in admin.site._registry.items()}


def classify(route):
    """(model label, kind) of an admin route, or (site key, None)."""
    if route.name in SITE:
        return route.name, None
    if route.name == "admin:" and "(?P<url>" in route.pattern:
        return "admin:(catch-all)", None
    for label, (model, _model_admin) in registered().items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.name.startswith(prefix) and route.name[len(prefix):] in KINDS:
            return label, route.name[len(prefix):]
        own = f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"
        if route.name == "admin:" and route.pattern == own:
            return label, "redirect"
    return None, None


def all_actions():
    """{"app.model:action": (model, model_admin, action function)} of every model admin."""
    found = {}
    for label, (model, model_admin) in registered().items():
        for func, name, _description in model_admin._get_base_actions():
            found[f"{label}:{name}"] = (model, model_admin, func)
    return found


def test_every_admin_url_model_and_action_has_a_row():
    problems = table_problems(routes())
    assert not problems, "\n".join(problems)


def table_problems(all_routes):
    problems = []
    for label in registered():
        if label not in MODELS:
            problems.append(f"model {label} is registered in the admin but has no row in "
                            f"tests/site/test_admin_sweep.py, MODELS: "
                            f"\"{label}\": Policy(admin_writes=…, service=\"module.function\") or READ_ONLY")
    for route in all_routes:
        if route.is_admin and classify(route) == (None, None):
            problems.append(f"admin URL {route.pattern!r} (route {route.name!r}) has no row in "
                            "tests/site/test_admin_sweep.py: "
                            "add it to SITE (a page of its own) or its model to MODELS")
    for key, (_model, _model_admin, func) in all_actions().items():
        if key not in ACTIONS:
            problems.append(f"admin action {key} has no row in tests/site/test_admin_sweep.py, ACTIONS: "
                            f"\"{key}\": ActionPolicy(frozenset({{roles allowed}}), \"service it calls\")")
        if not getattr(func, "allowed_permissions", None):
            problems.append(f"admin action {key} has no allowed_permissions: anyone who may view the list runs it")
    return problems


def test_the_tables_fail_for_an_unknown_model_url_and_action():
    from django.contrib.contenttypes.models import ContentType

    def leak(modeladmin, request, queryset):
        pass

    new_admin = admin.ModelAdmin(ContentType, admin.site)  # as if someone registered it with an action
    new_admin.actions = [leak]
    new_url = Route("admin/intake/user/<path:object_id>/reset-2fa/", "admin:intake_user_reset_2fa", None, ["object_id"])
    with mock.patch.dict(admin.site._registry, {ContentType: new_admin}):
        message = "\n".join(table_problems([*routes(), new_url]))
    assert "(route 'admin:intake_user_reset_2fa') has no row" in message
    assert "model contenttypes.contenttype" in message and "contenttypes.contenttype:leak has no row" in message
    assert "contenttypes.contenttype:leak has no allowed_permissions" in message


# --- the world: an object of every model, each with an older version that differs ----------------


def editable_text(model, payload=None):
    """A field of `model` the sweep changes: a plain text field (no choices, no validators of its
    own), else a number."""
    def usable(field):
        return (field.editable and not field.primary_key and not field.unique and not field.choices
                and field.name != "password" and (payload is None or field.name in payload))

    for field in model._meta.concrete_fields:
        if (isinstance(field, models.CharField) and usable(field)
                and not isinstance(field, (models.EmailField, models.SlugField, models.URLField))
                and not [v for v in field.validators if type(v).__module__ != "django.core.validators"]):
            return field
    for field in model._meta.concrete_fields:
        if isinstance(field, models.IntegerField) and usable(field):
            return field
    return None


def sweep_object(model):
    """The object the sweep points `model`'s URLs at (city A's where the model has a city)."""
    if model is City:
        return City.objects.get(slug=OWNER)
    if model is Campaign:
        return open_campaign()
    manager = model._default_manager
    if any(f.name == "city" for f in model._meta.concrete_fields):
        return manager.filter(city__slug=OWNER).order_by("pk").first() or manager.order_by("pk").first()
    if model is UnitEvaluation:
        return manager.filter(unit__city__slug=OWNER).order_by("pk").first()
    return manager.order_by("pk").first()


@pytest.fixture
def world(seeded):
    campaign = open_campaign()
    clerk = user(OWNER)
    nomination = nominate(OWNER, "project")
    services.update_nomination(nomination, user=clerk, contact_name="改过的联系人")
    accepted(OWNER, campaign)
    unit = recognised(OWNER)
    evaluation_services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="not_filed")
    evaluation_services.set_evaluation_state(user=clerk, campaign=campaign, unit=unit, state="filed_online",
                                             filed_on=date(campaign.year, 1, 2))
    grant_extension(user=user("admin"), campaign=campaign, city=clerk.city, kind="submission",
                             deadline=campaign.submission_deadline + timedelta(days=7), reason="系统故障")
    Group.objects.get_or_create(name="测试组")
    Campaign.objects.create(year=2099, name="2099年（无名额规则）", submission_deadline=campaign.submission_deadline,
                            is_open=False)
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.create(username="nobody", ip_address="10.0.0.1", user_agent="x", failures_since_start=1,
                                 get_data="", post_data="", http_accept="", path_info="/")
    AccessFailureLog.objects.create(username="nobody", ip_address="10.0.0.1", user_agent="x", http_accept="",
                                    path_info="/")
    AccessLog.objects.create(username="nobody", ip_address="10.0.0.1", user_agent="x", http_accept="", path_info="/")
    # Two more versions of every object with a history: the oldest the sweep reverts to differs.
    objects = {}
    for label, (model, _model_admin) in registered().items():
        obj = sweep_object(model)
        assert obj is not None, f"the sweep has no {label} to point at"
        objects[label] = obj
        history = getattr(model, "history", None)
        field = editable_text(model)
        if history is not None and field is not None:
            original = getattr(obj, field.attname)
            for mark in ("①", "②"):
                value = original + 1 if isinstance(original, int) else f"{original}{mark}"[: field.max_length]
                setattr(obj, field.attname, value)
                obj._history_user = user("admin")
                obj.save()
                original = original + 1 if isinstance(original, int) else original
    return objects


# --- requests ------------------------------------------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser would post from the form with id `form_id` (None: the first POST form)."""

    def __init__(self, form_id=None):
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.pairs, self.checkboxes = [], set()
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = (a.get("id") == self.form_id) if self.form_id else a.get("method", "").lower() == "post"
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind == "checkbox":
                self.checkboxes.add(name)
            if kind in ("checkbox", "radio") and "checked" not in a or kind in ("file", "button", "image", "reset"):
                return
            if kind == "submit" and name != "_save":
                return
            self.pairs.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name and "disabled" not in a:
            self._select = {"name": name, "multiple": "multiple" in a, "options": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["chosen"].append(a.get("value", ""))
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select" and self._select is not None:
            s = self._select
            chosen = s["chosen"] or ([] if s["multiple"] else s["options"][:1])
            self.pairs += [(s["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.pairs.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def parse_form(html, form_id=None):
    parser = FormFields(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data, parser.checkboxes


def form_class_payload(model_admin, obj):
    """The form the admin would build for `obj` (every field), as a browser posts it."""
    request = RequestFactory().get("/admin/")
    request.user = user("admin")
    form = model_admin.get_form(request, obj, change=False)(instance=obj)
    data, _ = parse_form(f'<form method="post">{form}</form>')
    data["_save"] = ["保存"]
    return data


def changed(data, model, checkboxes, prefix=""):
    """`data` with one field of `model` changed (and its first checkbox toggled), so a save changes the row."""
    data = {k: list(v) for k, v in data.items()}
    field = editable_text(model, {k.removeprefix(prefix) for k in data})
    if field is not None:
        key = prefix + field.name
        value = data[key][0]
        number = isinstance(field, models.IntegerField)
        data[key] = [str(int(value) + 1) if number else f"{value}·改"[: field.max_length]]
    for name in sorted(checkboxes):
        if name.startswith(prefix) and name.removeprefix(prefix) in {f.name for f in model._meta.concrete_fields}:
            if name in data:
                del data[name]
            else:
                data[name] = ["on"]
            break
    return data


def snapshot():
    """{table label: {pk: row}} of everything a request could change (many-to-many tables too).
    Sessions, content types and the records of the requests themselves (axes' access log, a user's
    last login, the security log, which only ever grows: its triggers refuse changes) are left out."""
    skipped = {"sessions.session", "contenttypes.contenttype", "axes.accesslog", "intake.securityevent"}
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:  # plain SQL: a few hundred snapshots per test
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label_lower
            if label in skipped or not model._meta.managed:
                continue
            columns = [f.column for f in model._meta.concrete_fields if f.attname != "last_login"]
            pk = columns.index(model._meta.pk.column)
            cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)}")
            state[label] = {row[pk]: row for row in cursor.fetchall()}
    return state


def differences(before, after):
    """{table: [pks added, removed or changed]} between two snapshots."""
    found = {}
    for label, rows in after.items():
        old = before.get(label, {})
        pks = (set(rows) ^ set(old)) | {pk for pk in set(rows) & set(old) if rows[pk] != old[pk]}
        if pks:
            found[label] = sorted(pks, key=str)
    return found


def tables_of(model):
    """The tables a save of `model` writes: its own, its history, its many-to-many links."""
    tables = {model._meta.label_lower, "admin.logentry"}
    history = history_table(model)
    if history:
        tables.add(history)
    tables |= {f.remote_field.through._meta.label_lower for f in model._meta.many_to_many}
    return tables


def history_table(model):
    history = getattr(model, "history", None)
    return history.model._meta.label_lower if history is not None and hasattr(history, "model") else None


@dataclass
class Request:
    role: str
    what: str  # "GET changelist of intake.city", …
    method: str
    url: str
    data: dict | None
    model: type | None = None
    kind: str | None = None
    action: str | None = None


def requests_for(role, objects):
    """Every admin URL (GET and POST) and every action (POST), with the POST an attacker would send."""
    admin_client = Client()
    admin_client.force_login(user("admin"))
    out = []
    for route in routes():
        if not route.is_admin:
            continue
        key, kind = classify(route)
        if kind is None:
            url = site_url(key)
            out += [Request(role, f"{m} {key}", m, url, {} if m == "post" else None) for m in ("get", "post")]
            continue
        model, model_admin = registered()[key]
        obj = objects[key]
        url = model_url(model, kind, obj)
        post = {}
        if kind == "change":
            page = admin_client.get(url)
            if MODELS[key].admin_writes and page.status_code == 200:
                data, boxes = parse_form(page.content.decode(), f"{model._meta.model_name}_form")
                post = changed(data, model, boxes)
            else:
                post = changed(form_class_payload(model_admin, obj), model, set())
        elif kind == "add":
            post = form_class_payload(model_admin, obj)
        elif kind == "simple_history":
            oldest = model.history.filter(**{model._meta.pk.attname: obj.pk}).order_by("history_id").first().instance
            post = form_class_payload(model_admin, oldest)
        elif kind == "delete":
            post = {"post": ["yes"]}
        elif kind == "changelist" and model_admin.list_editable:
            page = admin_client.get(url)
            data, boxes = parse_form(page.content.decode(), "changelist-form")
            post = changed(data, model, boxes, prefix="form-0-")
        out.append(Request(role, f"get {kind} of {key}", "get", url, None, model, kind))
        out.append(Request(role, f"post {kind} of {key}", "post", url, post, model, kind))
    for action_key, (model, _model_admin, _func) in all_actions().items():
        label, name = action_key.split(":")
        target = Campaign.objects.get(year=2099) if label == "intake.campaign" else objects[label]
        url = model_url(model, "changelist", target)
        data = {"action": [name], "_selected_action": [str(target.pk)], "index": ["0"], "select_across": ["0"]}
        out.append(Request(role, f"action {action_key}", "post", url, data, model, "action", action_key))
    return out


def site_url(key):
    if key == "admin:(catch-all)":
        return "/admin/intake/no-such-page/"
    if key == "admin:app_list":
        return reverse(key, kwargs={"app_label": "intake"})
    if key == "admin:view_on_site":
        from django.contrib.contenttypes.models import ContentType

        return reverse(key, args=[ContentType.objects.get_for_model(Nomination).pk, Nomination.objects.first().pk])
    if key == "admin:auth_user_password_change":
        return reverse(key, args=[user(OWNER).pk])
    return reverse(key)


def model_url(model, kind, obj):
    opts = model._meta
    if kind == "redirect":
        return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/"
    name = f"admin:{opts.app_label}_{opts.model_name}_{kind}"
    if kind in ("changelist", "add"):
        return reverse(name)
    if kind == "simple_history":
        oldest = model.history.filter(**{opts.pk.attname: obj.pk}).order_by("history_id").first()
        return reverse(name, args=[obj.pk, oldest.history_id])
    return reverse(name, args=[obj.pk])


def client_for_role(role):
    client = Client(raise_request_exception=False)
    if ROLES[role]:
        client.force_login(user(ROLES[role]))
    return client


def logged_in(client, role):
    """Log in again after the logout URL (before a snapshot: a login writes the user's last login)."""
    if ROLES[role] and "_auth_user_id" not in client.session:
        client.force_login(user(ROLES[role]))


def send(client, role, request):
    if request.method == "get":
        return client.get(request.url)
    return client.post(request.url, request.data)


# --- the sweep -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "city"])
def test_no_admin_url_answers_or_writes_for_the_public_and_city_staff(world, role):
    requests = requests_for(role, world)
    client = client_for_role(role)
    before = snapshot()
    failures = []
    for request in requests:
        response = send(client, role, request)
        status = response.status_code
        where = f"{request.what} {request.url} as {role}: {status}"
        if status >= 500:
            failures.append(where)
        elif status == 200 and request.url != reverse("admin:login"):
            failures.append(f"{where} (expected the admin's login page)")
        elif status == 302 and not response["Location"].startswith(login_pages()) and not (
                request.url == reverse("admin:logout") and response["Location"] == reverse("admin:index")):
            failures.append(f"{where} redirected to {response['Location']}")
    changes = differences(before, snapshot())
    assert not changes, f"{role}'s requests changed {changes}"
    assert not failures, "\n".join(failures)


def each_request(role, world, around=lambda request: contextlib.nullcontext()):
    """(request, response, the database before, what the request changed) for every request of
    `role`, one at a time, each between two snapshots; `around(request)` wraps the request."""
    requests = requests_for(role, world)
    client = client_for_role(role)
    for request in requests:
        logged_in(client, role)
        before = snapshot()
        with around(request):
            response = send(client, role, request)
        yield request, response, before, differences(before, snapshot())


def test_the_province_reads_the_admin_and_changes_nothing(world):
    failures = []
    read = set()
    for request, response, _before, changes in each_request("province", world):
        where = f"{request.what} {request.url} as the province: {response.status_code}"
        if response.status_code >= 500:
            failures.append(where)
        if changes:
            failures.append(f"{where} changed {changes}")
        if request.method == "get" and request.kind == "changelist" and response.status_code == 200:
            read.add(request.model._meta.label_lower)
    assert not failures, "\n".join(failures)
    # View-only, as the group 省级审核 says: the domain's tables, not users or login records.
    assert {"intake.nomination", "intake.slate", "intake.city", "quotas.quotarule", "intake.deadlineextension",
            "intake.unitevaluation", "intake.recognisedunit"} <= read
    assert "intake.user" not in read and "axes.accessattempt" not in read


def admin_rule(request):
    """(may the admin's request write, the service it must then call)."""
    label = request.model._meta.label_lower if request.model is not None else None
    policy = MODELS.get(label, READ_ONLY)
    if request.kind == "action":
        rule = ACTIONS[request.action]
        return "admin" in rule.roles, rule.service
    if request.kind == "delete" and policy.admin_deletes:
        return request.method == "post", None
    writes = request.method == "post" and policy.admin_writes and request.kind in ("add", "change", "changelist")
    return writes, policy.service


def test_the_admin_changes_only_what_it_may_and_only_through_the_services(world):
    failures = []
    changed_models = set()
    spies = {}

    @contextlib.contextmanager
    def spying(request):
        may_write, service = admin_rule(request)
        if not (service and may_write):
            yield
            return
        with mock.patch(service, wraps=_resolve(service)) as spy:
            spies[request.what] = spy
            yield

    for request, response, before, changes in each_request("admin", world, around=spying):
        may_write, service = admin_rule(request)
        label = request.model._meta.label_lower if request.model is not None else None
        spy = spies.pop(request.what, None)
        where = f"{request.what} {request.url} as the admin: {response.status_code}"
        if response.status_code >= 500:
            failures.append(where)
        if not changes:
            if may_write and request.kind == "change" and service:
                failures.append(f"{where}: the sweep's change was not saved (is its POST valid?)")
            continue
        if not may_write:
            failures.append(f"{where} changed {changes}, which the admin may not do here")
            continue
        changed_models.add(label)
        if service and not spy.called:
            failures.append(f"{where} changed {changes} without calling {service}")
        written_models = [request.model] if request.kind != "action" else [
            apps.get_model(t) for t in ACTIONS[request.action].writes]
        stray = set(changes) - set().union(*(tables_of(m) for m in written_models))
        if stray:
            failures.append(f"{where} also changed {sorted(stray)}")
        for model in written_models:
            history = history_table(model)
            written = set(changes.get(model._meta.label_lower, ()))
            if history and request.kind != "delete":
                missing = written - _recorded_by_admin(history, before, written)
                if missing:
                    failures.append(f"{where}: no history by the admin for {model._meta.label} {sorted(missing)}")
    assert not failures, "\n".join(failures)
    # The sweep's POSTs really saved where the admin may write (so "nothing changed" above means something).
    assert {"intake.city", "intake.campaign", "intake.deadlineextension", "quotas.quotarule", "intake.recognisedunit",
            "intake.user", "intake.demomode", "intake.category"} <= changed_models


def _resolve(dotted):
    module, _, name = dotted.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)


def _recorded_by_admin(history_label, before, pks):
    """The pks among `pks` with a history row written by the admin since `before`."""
    history_model = apps.get_model(history_label)
    new_rows = history_model._default_manager.exclude(history_id__in=list(before.get(history_label, {})))
    source_pk = history_model.instance_type._meta.pk.attname
    return {pk for pk in new_rows.filter(history_user=user("admin")).values_list(source_pk, flat=True) if pk in pks}


def test_reverting_from_the_history_saves_nothing_for_anyone(world):
    """The class of the attack: every model with a history, its oldest version posted back."""
    for role in ("province", "admin"):
        client = client_for_role(role)
        for label, (model, model_admin) in registered().items():
            if not hasattr(model, "history"):
                continue
            obj = world[label]
            request = Request(role, "revert", "post", model_url(model, "simple_history", obj),
                              form_class_payload(model_admin, model.history.filter(
                                  **{model._meta.pk.attname: obj.pk}).order_by("history_id").first().instance))
            logged_in(client, role)
            before = snapshot()
            response = send(client, role, request)
            assert response.status_code == 403, (label, role, response.status_code)
            assert not differences(before, snapshot()), (label, role)
    page = client_for_role("admin").get(model_url(Nomination, "simple_history", world["intake.nomination"]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_pairs_of_roles_and_kinds_are_all_swept(world):
    kinds = {(r.kind, r.method) for r in requests_for("admin", world) if r.kind}
    assert {(k, m) for k, m in itertools.product(["changelist", "add", "change", "delete", "history",
                                                   "simple_history"], ["get", "post"])} <= kinds
    assert ("action", "post") in kinds

