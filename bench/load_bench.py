"""Load: the product served by gunicorn on loopback (2 sync workers) under a bounded client
(a pool of 8 threads, one request in flight each), first with mixed work — customer search
by a phone's last 4 digits, order detail, an order file uploaded to the preview step and the
preview page, an API push of a small batch — then with the same number of requests to a
trivial Django view on the same server, settings and middleware (bench/load_wsgi.py).

The server runs in production mode on a throwaway var/ directory and SQLite database (or on
DATABASE_URL, which must then name a fresh database with its _keyring and _separated
siblings). Background tasks run inside the request (JIKIM_TESTING=1), so each upload's
analysis is paid for within the measurement, as a worker on the same machine would; the
API's per-key limit is raised out of the way. Both phases send the same session cookie, so
the baseline differs from the mixed work only in what the views do.

    .venv/bin/python bench/load_bench.py [--requests 10000] [--clients 8] [--recipients 3000]

An answer other than the expected one (200, or 302 after an upload) is an error; there
must be none. Not part of CI.
Last line: ratio_vs_hello=<mixed requests/s / hello requests/s> (goal >= 0.5). The line
before the errors gives the server's CPU time per request of each phase (gunicorn master
and workers, from /proc) and their ratio: steadier than throughput on a shared machine.

Read the ratio with both rates: the hello pays the whole middleware stack (session and
user look-up, the service log row), so making that stack cheaper raises the hello rate more
than the mixed one and lowers the ratio. Until the session stopped being written on every
request, the hello rate was held near 200/s by SQLite's write lock, which flattered it.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import _django, import_bench  # noqa: E402

SLUG = "bench"
# Shares of the mixed requests, by kind.
MIX = {"search": 35, "detail": 30, "push": 15, "upload": 10, "preview": 10}
PUSH_BATCH = 5
HOST = "127.0.0.1"


@dataclass
class Site:
    port: int
    cookie: str
    csrf_token: str
    api_key: str
    last4: list[str]
    order_ids: list[int]
    seed_batch: str
    upload: bytes


@dataclass
class Tally:
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, latency: float, problem: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(latency)
            if problem:
                self.errors[f"{kind}: {problem}"] += 1

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


# ------------------------------------------------------------------ the server's world


def configure(var: Path) -> None:
    """Production settings for this process and the server: the same keys and databases."""
    keys = var / "keys"
    keys.mkdir(parents=True)
    for name in ("master.key", "audit_signing.key"):
        (keys / name).write_text(secrets.token_hex(32))
        (keys / name).chmod(0o600)
    os.environ.update(
        {
            "JIKIM_DEBUG": "0",
            "JIKIM_TESTING": "1",  # tasks run inside the request
            "JIKIM_SECRET_KEY": secrets.token_urlsafe(64),
            "JIKIM_MASTER_KEY_FILE": str(keys / "master.key"),
            "JIKIM_AUDIT_SIGNING_KEY_FILE": str(keys / "audit_signing.key"),
            "JIKIM_SSL_REDIRECT": "0",  # plain HTTP on loopback
            "ALLOWED_HOSTS": f"{HOST},localhost",
            "EMAIL_URL": "dummy://",
            "JIKIM_API_RATE_PER_MINUTE": str(10**9),
            "DJANGO_SETTINGS_MODULE": "jikim.settings",
        }
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var / 'jikim.sqlite3'}")


def build(recipients: int) -> dict[str, object]:
    """A seller with `recipients` orders imported through the real path, a session, a key."""
    from django.test import Client

    from jikim.accounts.models import Tenant
    from jikim.shipping import actions, apikeys, importers
    from jikim.shipping.models import Order
    from tests.conftest import create_seller

    seller = create_seller(SLUG)
    tenant = Tenant.objects.get(slug=SLUG)
    data = import_bench.build(recipients)
    batch = actions.do_import_file(seller, tenant, data=data, filename="bench.xlsx")
    assert batch.status == "committed", batch.refusal_message
    phones = [row.recipient_phone1 for row in importers.parse_file(data).rows]
    upload = import_bench.build(PUSH_BATCH)
    seed = actions.do_receive_upload(
        seller, tenant, data=upload, filename="주문.xlsx", password=None, queue=False
    )
    actions.analyse(seed.pk)
    client = Client()
    client.force_login(seller, backend="django.contrib.auth.backends.ModelBackend")
    return {
        "cookie": client.cookies["sessionid"].value,
        "api_key": apikeys.do_create_api_key(seller, tenant, "부하 측정", list(apikeys.SCOPES))[1],
        "last4": sorted({re.sub(r"\D", "", p)[-4:] for p in phones}),
        "order_ids": list(Order.objects.filter(tenant=tenant).values_list("pk", flat=True)),
        "seed_batch": f"/t/{SLUG}/imports/{seed.pk}/",
        "upload": upload,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
        "bench.load_wsgi:application",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=out)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            status, _, _ = Connection(port, "").call("GET", "/bench/hello/")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# ------------------------------------------------------------------ the client


class Connection:
    """One client connection with the seller's cookies. http.client keeps it alive when the
    server does; gunicorn's sync workers close after each answer, so it reconnects."""

    def __init__(self, port: int, cookie: str) -> None:
        self.http = http.client.HTTPConnection(HOST, port, timeout=120)
        self.cookie = cookie

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Host": f"{HOST}", **(headers or {})}
        if self.cookie:
            sent["Cookie"] = self.cookie
        try:
            self.http.request(method, path, body=body, headers=sent)
            response = self.http.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.http.close()
            raise
        if response.will_close:
            self.http.close()
        headers = {k.lower(): v for k, v in response.getheaders()}
        headers["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie") or [])
        return response.status, headers, data


def csrf(port: int, session: str) -> tuple[str, str]:
    """The CSRF cookie and form token the upload form hands a browser."""
    status, headers, body = Connection(port, session).call("GET", f"/t/{SLUG}/imports/")
    assert status == 200, status
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert cookie and token, "no CSRF token on the upload form"
    return cookie.group(1), token.group(1).decode()


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


Job = Callable[[Connection, random.Random, dict[str, str]], str | None]


# Order numbers for the pushes, never repeated across the warm-up and the measured phases:
# each push sends new lines (a line sent again with changes is an update, another kind of
# work).
ORDER_NUMBERS = itertools.count()


def jobs(site: Site) -> dict[str, Job]:
    """Each kind of request and what makes its answer right (None) or an error (why)."""
    body, content_type = multipart(
        {"csrfmiddlewaretoken": site.csrf_token, "password": ""}, "주문.xlsx", site.upload
    )

    def search(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        # The search box posts: a phone number stays out of the address.
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": site.csrf_token, "q": rng.choice(site.last4)}
        )
        status, _, page = conn.call(
            "POST",
            f"/t/{SLUG}/orders/",
            form.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        return None if status == 200 and b"****" in page else f"{status}"

    def detail(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        status, _, _ = conn.call("GET", f"/t/{SLUG}/orders/{rng.choice(site.order_ids)}/")
        return None if status == 200 else f"{status}"

    def push(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        number = next(ORDER_NUMBERS)
        orders = [
            {
                "order_no": f"L-{number}",
                "product_order_no": f"L-{number}-{line}",
                "product_name": "유기농 현미 5kg",
                "quantity": 1,
                "amount": 25900,
                "ordered_at": "2026-03-01T10:00:00+09:00",
                "recipient": {
                    "name": "홍길동",
                    "phone1": f"010-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}",
                    "postcode": "06236",
                    "address_base": "서울특별시 강남구 테헤란로 123",
                    "address_detail": f"{line + 1}층",
                },
            }
            for line in range(PUSH_BATCH)
        ]
        status, _, answer = conn.call(
            "POST",
            "/api/v1/orders",
            json.dumps({"orders": orders}).encode(),
            {"Authorization": f"Bearer {site.api_key}", "Content-Type": "application/json"},
        )
        if status != 200:
            return f"{status}"
        return None if json.loads(answer)["accepted"] == PUSH_BATCH else "not all accepted"

    def upload(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        status, headers, _ = conn.call(
            "POST", f"/t/{SLUG}/imports/", body, {"Content-Type": content_type}
        )
        location = headers.get("location", "")
        if status != 302 or not re.fullmatch(rf"/t/{SLUG}/imports/\d+/", location):
            return f"{status} {location}".strip()
        state["batch"] = location
        return None

    def preview(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        status, _, page = conn.call("GET", state.get("batch", site.seed_batch))
        return None if status == 200 and "건 저장하기".encode() in page else f"{status}"

    def hello(conn: Connection, rng: random.Random, state: dict[str, str]) -> str | None:
        status, _, page = conn.call("GET", "/bench/hello/")
        return None if status == 200 and page == b"hello" else f"{status}"

    return {
        "search": search,
        "detail": detail,
        "push": push,
        "upload": upload,
        "preview": preview,
        "hello": hello,
    }


def drive(site: Site, kinds: list[str], clients: int, cookie: str) -> Tally:
    """Run the requests named in `kinds` through `clients` connections, one in flight each."""
    table = jobs(site)
    queue = iter(list(enumerate(kinds)))
    take = threading.Lock()
    tally = Tally()

    def client(number: int) -> None:
        conn = Connection(site.port, cookie)
        rng = random.Random(number)
        state: dict[str, str] = {}
        while True:
            with take:
                job = next(queue, None)
            if job is None:
                return
            kind = job[1]
            started = time.perf_counter()
            try:
                problem = table[kind](conn, rng, state)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
                problem = type(exc).__name__
            tally.add(kind, time.perf_counter() - started, problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the gunicorn master and its workers (Linux /proc): the
    server's cost per request, steadier than throughput on a shared machine."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended while being read
        if int(fields[1]) == pid or stat.parent.name == str(pid):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def mixed_kinds(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return rng.choices(list(MIX), weights=list(MIX.values()), k=n)


def report(name: str, tally: Tally) -> float:
    rate = tally.count / tally.seconds
    print(
        f"{name}: {tally.count:,} requests in {tally.seconds:.1f} s = {rate:,.1f} req/s, "
        f"errors={tally.error_count}"
    )
    for kind, latencies in sorted(tally.latencies.items()):
        ms = sorted(x * 1000 for x in latencies)
        p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
        print(f"  {kind:8s} n={len(ms):5d} p50={statistics.median(ms):7.1f} ms p95={p95:7.1f} ms")
    for problem, count in tally.errors.most_common(10):
        print(f"  error {problem}: {count}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--keep", action="store_true", help="keep the var/ directory")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="jikim-load-"))
    configure(var)
    _django.setup(keep_var=str(var))
    from django.core.management import call_command
    from django.db import connections

    call_command("collectstatic", interactive=False, verbosity=0)  # as before any server starts

    t0 = time.perf_counter()
    world = build(args.recipients)
    vendor = connections["default"].vendor
    connections.close_all()
    print(
        f"built {args.recipients:,} recipients in {time.perf_counter() - t0:.1f} s "
        f"(database={vendor}, workers={args.workers}, clients={args.clients})"
    )
    port = free_port()
    log = var / "gunicorn.log"
    server = start_server(port, args.workers, log)
    try:
        session = f"sessionid={world['cookie']}"
        token_cookie, token = csrf(port, session)
        cookie = f"{session}; csrftoken={token_cookie}"
        site = Site(
            port=port,
            cookie=cookie,
            csrf_token=token,
            api_key=str(world["api_key"]),
            last4=list(world["last4"]),  # type: ignore[call-overload]
            order_ids=list(world["order_ids"]),  # type: ignore[call-overload]
            seed_batch=str(world["seed_batch"]),
            upload=bytes(world["upload"]),  # type: ignore[call-overload]
        )
        # Warm both workers up (imports, first queries) before anything is timed.
        warm = drive(site, mixed_kinds(200, seed=1) + ["hello"] * 200, args.clients, cookie)
        if warm.error_count:
            report("warm-up", warm)
        cpu = [server_cpu(server.pid)]
        mixed = drive(site, mixed_kinds(args.requests, seed=2), args.clients, cookie)
        cpu.append(server_cpu(server.pid))
        hello = drive(site, ["hello"] * args.requests, args.clients, cookie)
        cpu.append(server_cpu(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    mixed_rate = report("mixed", mixed)
    hello_rate = report("hello", hello)
    errors = warm.error_count + mixed.error_count + hello.error_count
    if errors:
        print(f"server log (last lines):\n{log.read_text()[-3000:]}")
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)
    else:
        print(f"var={var}")
    mixed_ms, hello_ms = ((b - a) * 1000 / args.requests for a, b in itertools.pairwise(cpu))
    print(
        f"server_cpu_ms_per_request mixed={mixed_ms:.2f} hello={hello_ms:.2f} "
        f"(cpu_ratio_vs_hello={hello_ms / mixed_ms:.2f})"
    )
    print(f"errors={errors}")
    print(f"ratio_vs_hello={mixed_rate / hello_rate:.2f}")
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
