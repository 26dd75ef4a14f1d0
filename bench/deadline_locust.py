"""The deadline-day load profile, for locust (run by bench/deadline.py, which prepares the server).

Per 21 users: 20 city clerks (one for each city, a city's clerks share its account) and 1 provincial
reviewer, each waiting 1–5 s between actions. A clerk: the home page, the list, a nominee opened and
saved (a real change, written with its history), the new-nominee form, the slate page, now and then
the city's Annex 2 XLSX. A reviewer: the overview, the lists, a city's review page, now and then the
province-wide Annex 2 XLSX and PDF. Every user logs in first (the login is an endpoint of its own;
its times are also written to the file DEADLINE_LOGIN_TIMES names).

DEADLINE_CLIENT picks locust's HTTP client: "fast" (geventhttpclient, the default: a fraction of
the CPU per request, which on a machine shared with the server is CPU the server gets) or
"requests" (locust's classic client).
"""

import itertools
import json
import os
import re
import time
from html.parser import HTMLParser

import gevent
from locust import FastHttpUser, HttpUser, between, events, task

PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-2023")
CITY_ACCOUNTS = [
    "guangzhou", "shaoguan", "zhuhai", "shantou", "foshan", "jiangmen", "zhanjiang", "maoming", "zhaoqing",
    "huizhou", "meizhou", "shanwei", "heyuan", "yangjiang", "qingyuan", "dongguan", "zhongshan", "chaozhou",
    "jieyang", "yunfu",
]
CITY_CODES = [
    "440100", "440200", "440400", "440500", "440600", "440700", "440800", "440900", "441200", "441300",
    "441400", "441500", "441600", "441700", "441800", "441900", "442000", "445100", "445200", "445300",
]
_next_city = itertools.count()
# Milliseconds of each login (login page and the posted password), written for bench/deadline.py
# at the end: the figures locust prints are reset once every user has started.
LOGIN_MS = []


@events.init.add_listener
def _settle_then_measure(environment, **kwargs):
    """With DEADLINE_SETTLE seconds, the figures are reset that long after the last user has started
    (instead of at once, locust's --reset-stats): the ramp's last logins leave a queue behind them,
    and the window then measures the load level itself rather than that queue draining."""
    settle = float(os.environ.get("DEADLINE_SETTLE") or 0)
    if settle <= 0:
        return

    def later(user_count, **kwargs):
        gevent.spawn_later(settle, environment.runner.stats.reset_all)

    environment.events.spawning_complete.add_listener(later)


@events.test_stop.add_listener
def _write_login_times(**kwargs):
    path = os.environ.get("DEADLINE_LOGIN_TIMES")
    if path:
        with open(path, "w") as f:
            json.dump(LOGIN_MS, f)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DETAIL = re.compile(r'href="/nominations/(\d+)/"')


class FormFields(HTMLParser):
    """The fields a browser would post from the first form with method="post" and no action (the
    page's own form): inputs, selected options, text areas."""

    def __init__(self):
        super().__init__()
        self.fields, self.inside, self.done = {}, False, False
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and attrs.get("method") == "post" and not attrs.get("action"):
            self.inside = True
        elif not self.inside:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file") or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.fields[attrs["name"]] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
            self.fields.setdefault(self.select, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


CLIENT = {"fast": FastHttpUser, "requests": HttpUser}[os.environ.get("DEADLINE_CLIENT", "fast")]


class Visitor(CLIENT):
    abstract = True
    wait_time = between(1, 5)
    username = None

    def on_start(self):
        started = time.perf_counter()
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/accounts/login/", name="login", allow_redirects=False, catch_response=True,
                              data={"username": self.username, "password": PASSWORD,
                                    "csrfmiddlewaretoken": token}) as response:
            if response.status_code != 302:
                response.failure(f"login as {self.username}: {response.status_code}")
        LOGIN_MS.append((time.perf_counter() - started) * 1000)

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response

    def document(self, url, name):
        """A document the background worker renders: the file (200), or the page saying it is being
        prepared (202), counted on its own line; the reviewer then takes the previous version."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 202:
                response.request_meta["name"] = f"{name}: being prepared"
            elif response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response


class CityClerk(Visitor):
    weight = 20

    def on_start(self):
        self.username = CITY_ACCOUNTS[next(_next_city) % len(CITY_ACCOUNTS)]
        super().on_start()
        listing = self.page("/nominations/", "nomination list (city)")
        self.nominees = sorted(set(DETAIL.findall(listing.text))) or [None]
        self.turn = 0

    @task(4)
    def home(self):
        self.page("/", "home (city)")

    @task(2)
    def nomination_list(self):
        self.page("/nominations/", "nomination list (city)")

    @task(3)
    def open_and_save_nominee(self):
        pk = self.nominees[self.turn % len(self.nominees)]
        self.turn += 1
        if pk is None:
            return
        detail = self.page(f"/nominations/{pk}/", "nominee detail (city)")
        form = FormFields()
        form.feed(detail.text)
        if "contact_name" not in form.fields:
            return  # entry closed for this city (its slate is with the province): nothing to save
        form.fields["contact_name"] = "王五" if form.fields["contact_name"] != "王五" else "赵六"
        with self.client.post(f"/nominations/{pk}/", data=form.fields, name="nominee save (city)",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"save answered {response.status_code}")

    @task(1)
    def new_nominee_form(self):
        self.page("/nominations/new/enterprise/", "new-nominee form (city)")

    @task(2)
    def slate(self):
        self.page("/slate/", "slate page (city)")

    @task(1)
    def annex2_xlsx(self):
        if self.turn % 3 == 0:  # now and then
            self.page("/exports/annex2.xlsx", "Annex 2 XLSX (city)")


_next_reviewer = itertools.count()


class ProvincialReviewer(Visitor):
    weight = 1
    username = "province"

    def on_start(self):
        super().on_start()
        self.turn = next(_next_reviewer)

    @task(3)
    def overview(self):
        self.page("/", "province overview")

    @task(3)
    def lists(self):
        self.turn += 1
        code = CITY_CODES[self.turn % len(CITY_CODES)]
        url = "/nominations/" if self.turn % 2 else f"/nominations/?city={code}"
        self.page(url, "nomination list (province)")

    @task(3)
    def city_review(self):
        self.turn += 1
        self.page(f"/review/{CITY_CODES[self.turn % len(CITY_CODES)]}/", "city review (province)")

    @task(1)
    def province_xlsx(self):
        self.page("/exports/annex2.xlsx", "Annex 2 XLSX (province)")

    @task(1)
    def province_pdf(self):
        self.turn += 1
        if self.turn % 2 == 0:
            self.document("/exports/annex2.pdf", "Annex 2 PDF (province)")
