"""Load test of the web API: the licence page, screening, licence search and the unit page (issue 6).

`python -m bench web_load` prepares the 200,000-licence synthetic book on PostgreSQL, starts the server, runs
this file headless and prints the table for docs/benchmarks.md. By hand, with the book loaded and the server
running:

    pip install -e '.[load]'
    lantern tokens create oversight --name load --days 1 --json   # any role that reads licences and units
    export LANTERN_LOAD_TOKEN=lantern_… LANTERN_LOAD_UNITS=mx-gopes
    export LANTERN_LOAD_LICENCES=DDTC/050000001,BIS/D123456
    export LANTERN_LOAD_NAMES="$(printf 'GOPES Tamaulipas\x1fPolicía Estatal de Guerrero')"
    locust -f bench/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8000 \
      --csv bench/out/web

Target (docs/benchmarks.md): p99 ≤ 200 ms for each request name, zero failures. Only ever point it at a
server on this machine.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, task

TOKEN = os.environ.get("LANTERN_LOAD_TOKEN", "")
LICENCES = [x for x in os.environ.get("LANTERN_LOAD_LICENCES", "").split(",") if x]
UNITS = [x for x in os.environ.get("LANTERN_LOAD_UNITS", "").split(",") if x]
# Names to screen, separated by the unit separator (names hold commas).
NAMES = [x for x in os.environ.get("LANTERN_LOAD_NAMES", "").split("\x1f") if x]
END_USERS = ["Seguridad", "Policía", "SEDENA", "Marina", "Tamaulipas", "Guerrero"]


class ApiClient(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    @task(3)
    def licence_page(self) -> None:
        if LICENCES:
            self.client.get(
                f"/api/licences/{random.choice(LICENCES)}", name="/api/licences/{agency}/{number}"
            )

    @task(3)
    def search(self) -> None:
        self.client.get(
            "/api/licences", params={"end_user": random.choice(END_USERS)}, name="/api/licences?end_user"
        )

    @task(3)
    def screening(self) -> None:
        if NAMES:
            self.client.get("/api/screening", params={"q": random.choice(NAMES)}, name="/api/screening?q")

    @task(1)
    def unit_page(self) -> None:
        if UNITS:
            self.client.get(f"/api/units/{random.choice(UNITS)}", name="/api/units/{key}")
