"""The whole-site load test's traffic, a locustfile run by bench/load.py (which writes the plan
it reads: the steps, the catalog's slugs, the API and probe keys, the editor's login).

Visitors, each in one of three locales, with a pause of 0.5-2 s between requests: page views
60 %, API reads 25 %, search 5 %, event beacons 8 % (of their requests). Beside them, 10 probes
each POST a batch of live rows every 20 s and an editor saves a model in the admin every 30 s.
Requests are named by kind (page, status, api, search, event, probe, editor), so locust's
statistics are per kind; a failed request's error names its URL. The load steps through the
plan's user counts, each held for a settling time and then measured; each step's figures are
written as one JSON line to the plan's report file.
"""

import json
import os
import random
import re
import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from itertools import accumulate, cycle
from pathlib import Path

from locust import FastHttpUser, HttpUser, LoadTestShape, between, constant_pacing, task
from locust.stats import StatsEntry

from status.simulation import Simulator, locations_for

PLAN = json.loads(Path(os.environ["AIGO_LOAD_PLAN"]).read_text())
LOCALES = ("en-US", "ja-JP", "zh-CN")
# A browser's, so the beacons are stored rather than dropped as a bot's.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
SEARCHES = ("gpt", "claude", "llama", "gemini", "mistral", "qwen", "deepseek", "embedding", "vision", "flash", "o3")
CATALOG_SORTS = ("", "-released_at", "popular", "name")
API_ORDERINGS = ("", "name", "-released_at", "input_price", "-context_window")
PROBE_INTERVAL = timedelta(seconds=20)
PAGE_EVENTS = re.compile(r'<script id="page-events" type="application/json">(.*?)</script>', re.S)


def zipf(count: int) -> list[float]:
    """Cumulative weights 1/rank: a few models get most views, the rest a long tail."""
    return list(accumulate(1 / rank for rank in range(1, count + 1)))


MODEL_WEIGHTS = zipf(len(PLAN["models"]))


def popular_model() -> str:
    return random.choices(PLAN["models"], cum_weights=MODEL_WEIGHTS)[0]


def query(**params) -> str:
    pairs = "&".join(f"{name}={value}" for name, value in params.items() if value not in ("", None))
    return f"?{pairs}" if pairs else ""


class Visitor(FastHttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.locale = random.choice(LOCALES)
        self.session = f"load-{random.getrandbits(48):012x}"
        # bench/load.py trusts one proxy's X-Forwarded-For: each visitor is an address of its own (a
        # benchmarking range, only ever a header), so per-address limits count as in production.
        self.address = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}"
        self.last_page = (f"/{self.locale}/", "[]")

    def send(self, kind: str, method: str, path: str, **kwargs):
        """Locust counts a connection error or a status of 400 or more as a failure, naming the URL."""
        headers = {"User-Agent": BROWSER, "X-Forwarded-For": self.address, **kwargs.pop("headers", {})}
        return self.client.request(method, path, name=kind, headers=headers, **kwargs)

    def page(self, path: str, kind: str = "page") -> None:
        response = self.send(kind, "GET", path)
        found = PAGE_EVENTS.search(response.text) if response.status_code == 200 else None
        self.last_page = (path, found.group(1) if found else "[]")

    @task(60)
    def view_page(self) -> None:
        home = f"/{self.locale}/"
        kind, path = random.choices(
            [
                ("page", f"{home}models/{popular_model()}/"),
                ("page", f"{home}models/{self.catalog_query()}"),
                ("page", home),
                ("status", f"{home}status/"),
                ("page", f"{home}compare/?models={','.join({popular_model() for _ in range(3)})}"),
                ("page", f"{home}leaderboards/"),
                ("page", f"{home}leaderboards/{random.choice(PLAN['suites'])}/"),
                ("page", f"{home}news/"),
            ],
            weights=[35, 25, 12, 10, 6, 4, 3, 5],
        )[0]
        self.page(path, kind)

    def catalog_query(self) -> str:
        return query(
            provider=random.choice(["", "", *PLAN["providers"]]),
            capability=random.choice(["", "", "", "vision", "function_calling", "reasoning"]),
            modality=random.choice(["", "", "", "", "image", "audio"]),
            sort=random.choice(CATALOG_SORTS),
            page=random.choice(["", "", "", 2, 3]),
        )

    @task(25)
    def read_api(self) -> None:
        slug = popular_model()
        path = random.choices(
            [
                "/api/v1/models/"
                + query(
                    page_size=random.choice(["", 50]),
                    page=random.choice(["", "", 2]),
                    provider=random.choice(["", "", *PLAN["providers"]]),
                    ordering=random.choice(API_ORDERINGS),
                ),
                f"/api/v1/models/{slug}/",
                f"/api/v1/models/{slug}/pricing/",
                f"/api/v1/compare/?models={','.join({popular_model() for _ in range(3)})}",
                f"/api/v1/status/models/{random.choice(PLAN['probe_models'])}/",
            ],
            weights=[30, 35, 15, 8, 12],
        )[0]
        self.send("api", "GET", path, headers={"Authorization": f"Bearer {PLAN['read_key']}"})

    @task(5)
    def search(self) -> None:
        words = random.choice(SEARCHES)
        if random.random() < 0.6:
            self.page(f"/{self.locale}/search/?q={words}", "search")
        else:
            self.send("search", "GET", f"/api/v1/search/?q={words}")

    @task(8)
    def beacon(self) -> None:
        """What site/beacon.js sends for the last page: its page view and the page's own events."""
        path, own = self.last_page
        common = {"session_id": self.session, "locale": self.locale}
        events = [{"type": "page_view", "properties": {"path": path, "title": "AI-GO"}}, *json.loads(own)]
        body = json.dumps([{**common, **event} for event in events])
        self.send("event", "POST", "/api/v1/events", data=body, headers={"Content-Type": "text/plain;charset=UTF-8"})


class Probe(FastHttpUser):
    """One probe location: every 20 s a row per probed model, as status.simulation makes them."""

    fixed_count = 10
    wait_time = constant_pacing(PROBE_INTERVAL.total_seconds())
    numbers = iter(range(fixed_count))  # each probe its own location and key

    def on_start(self) -> None:
        number = next(self.numbers)
        locations = [(region, place.name) for region in PLAN["regions"] for place in locations_for(region)]
        self.region, self.location = locations[number % len(locations)]
        self.key = PLAN["probe_keys"][number]
        self.simulator = Simulator(models=PLAN["probe_models"], regions=[self.region], seed=42, interval=PROBE_INTERVAL)

    @task
    def send_batch(self) -> None:
        now = datetime.now(UTC)
        when = now - timedelta(seconds=now.second % 20, microseconds=now.microsecond)
        rows = [row for row in self.simulator.probes_at(when) if row["probe_location"] == self.location]
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        self.client.post("/api/v1/status/probes", data=json.dumps(rows), headers=headers, name="probe")


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's form of that id."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.textarea: str | None = None
        self.select: str | None = None
        self.multiple = False
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            self.inside = attributes.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and name and attributes.get("type", "text") not in ("submit", "button", "file", "image"):
            if attributes.get("type") not in ("checkbox", "radio") or "checked" in attributes:
                self.fields.append((name, attributes.get("value", "on" if "checked" in attributes else "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields.append((name, ""))
        elif tag == "select" and name:
            self.select, self.multiple, self.options = name, "multiple" in attributes, []
        elif tag == "option" and self.select:
            self.options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_data(self, data):
        if self.textarea:
            name, text = self.fields[-1]
            self.fields[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea:
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            name, text = self.fields[-1]
            self.fields[-1] = (name, text.removeprefix("\n"))
            self.textarea = None
        elif tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            if not chosen and self.options and not self.multiple:
                chosen = [self.options[0][0]]  # a browser submits a single select's first option
            self.fields.extend((self.select, value) for value in chosen)
            self.select = None


class Editor(HttpUser):
    """An editor in the Django admin: a model's change form read and saved back every 30 s."""

    fixed_count = 1
    wait_time = constant_pacing(30)

    def on_start(self) -> None:
        self.models = cycle(PLAN["editor_models"])
        login = f"/{PLAN['admin']}login/"
        form = self.request("GET", login)
        fields = dict(self.form(form.text, "login-form"))
        fields.update(username=PLAN["editor"][0], password=PLAN["editor"][1], next=f"/{PLAN['admin']}")
        self.request("POST", login, data=fields, expect=302)

    def request(self, method: str, path: str, expect: int | None = None, **kwargs):
        # Production cookies are Secure and this client speaks plain HTTP, where a cookie jar
        # would hold them back: they are sent explicitly.
        cookies = {cookie.name: cookie.value for cookie in self.client.cookies}
        with self.client.request(
            method, path, name="editor", cookies=cookies, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if (expect is not None and response.status_code != expect) or not 200 <= response.status_code < 400:
                detail = re.search(r'<ul class="errorlist[^"]*">(.*?)</ul>', response.text or "", re.S)
                message = f"{method} {path}: {response.status_code}"
                response.failure(f"{message} {detail.group(1)[:300]}" if detail else message)
            return response

    @staticmethod
    def form(html: str, form_id: str) -> list[tuple[str, str]]:
        parser = FormFields(form_id)
        parser.feed(html)
        return parser.fields

    @task
    def save_model(self) -> None:
        path = f"/{PLAN['admin']}catalog/aimodel/{next(self.models)}/change/"
        fields = self.form(self.request("GET", path, expect=200).text, "aimodel_form")
        english = next(index for index, (name, _value) in enumerate(fields) if name == "description_en-US")
        name, text = fields[english]
        mark = PLAN["editor_mark"]
        fields[english] = (name, text.removesuffix(mark) if text.endswith(mark) else text + mark)
        self.request("POST", path, data=fields, expect=302)


def summary(entry: StatsEntry, seconds: float) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": entry.num_requests / seconds,
        **{f"p{round(share * 100)}": entry.get_response_time_percentile(share) for share in (0.5, 0.95, 0.99)},
    }


def request_errors(stats) -> list[dict]:
    return [
        {"kind": error.name, "error": str(error.error), "count": error.occurrences} for error in stats.errors.values()
    ]


def step_report(stats, users: int, seconds: float, errors: list[dict]) -> dict:
    kinds: dict[str, StatsEntry] = {}
    for entry in stats.entries.values():  # the editor's GETs and POSTs are one kind
        kinds.setdefault(entry.name, StatsEntry(stats, entry.name, "")).extend(entry)
    return {
        "users": users,
        "seconds": seconds,
        "total": summary(stats.total, seconds),
        "kinds": {name: summary(entry, seconds) for name, entry in kinds.items()},
        "errors": errors,
    }


class Steps(LoadTestShape):
    """The plan's visitor counts in turn (the probes and the editor beside them), each held for
    `settle` seconds unmeasured, then `seconds` measured."""

    def __init__(self):
        super().__init__()
        self.step = 0
        self.measured_from: float | None = None
        self.crashes_seen: dict[int, int] = {}
        self.settling_errors: list[dict] = []

    def crashes(self) -> list[dict]:
        """Exceptions raised in tasks since the last call: errors too, though no request failed."""
        found = []
        for key, crash in self.runner.exceptions.items():
            count, self.crashes_seen[key] = crash["count"] - self.crashes_seen.get(key, 0), crash["count"]
            if count:
                where = re.findall(r"line \d+, in (\w+)", crash["traceback"])[-1:]
                last = crash["traceback"].strip().splitlines()[-1]
                found.append({"kind": "task " + "".join(where), "error": last, "count": count})
        return found

    def tick(self):
        steps, settle, seconds = PLAN["users"], PLAN["settle"], PLAN["seconds"]
        into = self.get_run_time() - self.step * (settle + seconds)
        if self.measured_from is None and into >= settle:
            # The settling time's errors are not measured, but they are errors all the same.
            self.settling_errors = [
                {**error, "kind": f"{error['kind']} (settling)"}
                for error in (*self.crashes(), *request_errors(self.runner.stats))
            ]
            self.runner.stats.reset_all()
            self.measured_from = time.monotonic()
        elif self.measured_from is not None and into >= settle + seconds:
            seconds = time.monotonic() - self.measured_from
            errors = [*self.settling_errors, *self.crashes(), *request_errors(self.runner.stats)]
            report = step_report(self.runner.stats, steps[self.step], seconds, errors)
            with open(PLAN["report"], "a") as out:
                out.write(json.dumps(report) + "\n")
            self.step, self.measured_from = self.step + 1, None
            if self.step == len(steps):
                return None
        return steps[self.step] + Probe.fixed_count + Editor.fixed_count, PLAN["spawn_rate"]
