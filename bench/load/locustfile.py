"""Mixed load of a Listening-to-the-People Month, for Locust (bench/load/run.py starts everything).

Proportions of simulated users (weights): citizens submitting through the web form 40, citizens looking up
their item 20, commune Front officers working the queue and forwarding 15, agency officers answering 10,
API clients paging Open311 and the report API 10, the provincial board on dashboards and report files 5.
Every request is named by its kind so the report gives p95 per kind. A 409 on a move is a correct answer
(another officer moved the same item first) and is counted as such, not as an error.
"""

import json
import os
import random
import re
import uuid
from collections import deque
from urllib.parse import urlsplit

from django_otp.oath import totp
from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read())  # noqa: SIM115 (read once at import)
RECEIPTS: deque = deque(maxlen=500)  # (code, secret) of submissions, for the lookups
ACCOUNTS_TAKEN = {"officers": 0, "agencies": 0, "board": 0}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
CODE = re.compile(r"(DB-\d\d-[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3})")
SECRET = re.compile(r'id="tracking-secret">([^<]+)<')


class Citizen(HttpUser):
    weight = 40
    wait_time = between(2, 6)

    @task
    def submit(self):
        form = self.client.get("/gui-y-kien/", name="citizen: open the form")
        csrf, key = CSRF.search(form.text), KEY.search(form.text)
        if not csrf or not key:
            return
        data = {
            "csrfmiddlewaretoken": csrf.group(1),
            "idempotency_key": key.group(1),
            "type": "recommendation",
            "category": PEOPLE["category"],
            "commune": random.choice(PEOPLE["communes"]),
            "title": f"Kiến nghị về đường giao thông {uuid.uuid4().hex[:6]}",
            "content": "Đường liên bản bị sạt lở sau mưa lớn, đề nghị sớm khắc phục để bà con đi lại an toàn.",
            "consent_processing": "on",
        }
        receipt = self.client.post("/gui-y-kien/", data, name="citizen: submit", headers={"Referer": self.host})
        code, secret = CODE.search(receipt.text), SECRET.search(receipt.text)
        if code and secret:
            RECEIPTS.append((code.group(1), secret.group(1).strip()))


class CitizenLookingUp(HttpUser):
    weight = 20
    wait_time = between(3, 8)

    @task
    def lookup(self):
        if not RECEIPTS:
            self.client.get("/tra-cuu/", name="citizen: lookup page")
            return
        code, secret = random.choice(RECEIPTS)
        self.client.get(f"/api/v1/public/items/{code}/", headers={"X-Tracking-Secret": secret}, name="citizen: lookup")


def _next_account(kind: str) -> dict:
    """Each simulated staff user takes an account of its own (an authenticator code cannot be used twice)."""
    accounts = PEOPLE[kind]
    account = accounts[ACCOUNTS_TAKEN[kind] % len(accounts)]
    ACCOUNTS_TAKEN[kind] += 1
    return account


class Staff(HttpUser):
    abstract = True

    def login(self, account: dict) -> None:
        """The password, then a code of the account's authenticator (MFA is required of every staff role)."""
        page = self.client.get("/accounts/login/", name="staff: login page")
        after = self.client.post(
            "/accounts/login/",
            {
                "username": account["username"],
                "password": PEOPLE["password"],
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            headers={"Referer": self.host},
            name="staff: log in",
        )
        csrf = CSRF.search(after.text)
        code = f"{totp(bytes.fromhex(account['totp_key'])):06d}"
        with self.client.post(
            "/accounts/mfa/verify/",
            {"token": code, "next": "/", "csrfmiddlewaretoken": csrf.group(1) if csrf else ""},
            headers={"Referer": self.host},
            name="staff: second factor",
            catch_response=True,
        ) as response:
            if urlsplit(response.url).path.startswith("/accounts/"):
                response.failure("still on the login or second-factor page")

    def page(self, url: str, name: str) -> None:
        """A staff page: being sent back to the login or second-factor page is a failure, not a 200."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if urlsplit(response.url).path.startswith("/accounts/"):
                response.failure("sent to the login or second-factor page")

    def move(self, item_id: int, move: str, payload: dict, name: str) -> None:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host}
        with self.client.post(
            f"/api/v1/items/{item_id}/{move}/", json=payload, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code == 409:
                response.success()  # another officer moved it first: the right answer

    def first(self, status: str, name: str) -> int | None:
        listing = self.client.get(f"/api/v1/items/?status={status}", name=name)
        results = listing.json().get("results", []) if listing.ok else []
        return random.choice(results[:10])["id"] if results else None


class FrontOfficer(Staff):
    weight = 15
    wait_time = between(3, 10)

    def on_start(self):
        self.me = _next_account("officers")
        self.login(self.me)

    @task(3)
    def queue(self):
        self.page("/can-bo/viec/", "officer: queue page")

    @task(2)
    def forward(self):
        item_id = self.first("received", "officer: list received (API)")
        if item_id:
            self.page(f"/can-bo/viec/{item_id}/", "officer: item page")
            self.move(item_id, "forward", {"agency": self.me["agency"], "note": "Chuyển UBND xã"}, "officer: forward")


class AgencyOfficer(Staff):
    weight = 10
    wait_time = between(3, 10)

    def on_start(self):
        self.login(_next_account("agencies"))

    @task(2)
    def inbox(self):
        self.page("/can-bo/hop-thu/", "agency: inbox page")

    @task(1)
    def answer(self):
        item_id = self.first("forwarded", "agency: list forwarded (API)")
        if item_id:
            self.move(item_id, "answer", {"answer": "UBND xã đã bố trí kinh phí khắc phục."}, "agency: answer")


class Board(Staff):
    weight = 5
    wait_time = between(5, 15)

    def on_start(self):
        self.login(_next_account("board"))

    @task(3)
    def dashboard(self):
        self.page("/bao-cao/", "board: dashboard")

    @task(1)
    def files(self):
        self.page("/bao-cao/tep/", "board: report files")

    @task(1)
    def overdue(self):
        self.page("/qua-han/", "board: overdue list")


class ApiClient(HttpUser):
    weight = 10
    wait_time = between(2, 6)

    @task
    def open311_pages(self):
        response = self.client.get("/open311/v2/requests.json", name="api: open311 page 1")
        link = response.headers.get("Link", "")
        if 'rel="next"' in link:
            self.client.get(link[link.index("<") + 1 : link.index(">")], name="api: open311 next page")

    @task
    def report_items(self):
        headers = {"Authorization": f"Bearer {PEOPLE['api_key']}"}
        response = self.client.get("/api/v1/reports/items/", headers=headers, name="api: report items page 1")
        following = response.json().get("next") if response.ok else None
        if following:
            self.client.get(following, headers=headers, name="api: report items next page")
