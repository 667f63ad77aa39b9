#!/usr/bin/env python3
"""OpsCadence benchmarks, side by side with the tools a user would otherwise pick.

Run through `scripts/bench`, which builds the release binary first:

    scripts/bench                # everything, about four minutes on 2 cores (six with other builds)
    scripts/bench --quick        # fewer repetitions, for a smoke run
    scripts/bench --only web     # one step (repeatable)
    scripts/bench --only postgres  # 10,000 playbooks due at once: SQLite, 1 and 3 instances on PostgreSQL

Every number is measured here, in the same run, on the same machine: wall time of whole
processes (start-up included), except the web step, which loads a running `opscadence serve`
with wrk. Results print as Markdown, ready for docs/PERFORMANCE.md.
"""
import argparse
import asyncio
import atexit
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# MARK: - Measuring processes

def run(argv, cwd=None, env=None, stdout=subprocess.DEVNULL):
    """Runs a process to its end; returns (seconds, peak RSS in KB). Stops the benchmark if it fails."""
    # stderr goes to a file, not a pipe: a chatty process would fill the pipe and block while we wait.
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace").splitlines()[-5:]
            sys.exit(f"benchmark step failed ({process.returncode}): {' '.join(argv)}\n" + "\n".join(tail))
    return elapsed, usage.ru_maxrss


def best(times):
    return min(times)


# MARK: - Scratch folders

_scratch = []


@contextlib.contextmanager
def scratch_directory():
    """A temporary folder, deleted when the benchmark ends rather than when the step ends.

    Deleting thousands of agenda files and then creating thousands more a second later makes
    ext4 search past the recently freed inodes, which would add up to a second of kernel time to
    the next run: an artifact of the benchmark, not something a tick meets in use.
    """
    directory = tempfile.mkdtemp(prefix="opscadence-bench-")
    _scratch.append(directory)
    yield directory


@atexit.register
def _remove_scratch():
    for directory in _scratch:
        shutil.rmtree(directory, ignore_errors=True)


# MARK: - Recurrence

CRONITER = """
import json, sys
from datetime import datetime, timezone
from croniter import croniter
n = int(sys.argv[1])
it = croniter("*/5 * * * *", datetime(2026, 1, 1, tzinfo=timezone.utc))
out = sys.stdout
out.write("[\\n")
for i in range(n):
    out.write('  "' + it.get_next(datetime).isoformat() + ('",\\n' if i < n - 1 else '"\\n'))
out.write("]\\n")
"""

DATEUTIL = """
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
from dateutil.rrule import rrule, MONTHLY, MO, TU, WE, TH, FR
n = int(sys.argv[1])
zone = ZoneInfo("America/New_York")
# The last weekday of each month at 16:00, as "monthly on the last business day at 16:00".
rule = rrule(MONTHLY, byweekday=(MO, TU, WE, TH, FR), bysetpos=-1, byhour=16, byminute=0, bysecond=0,
             dtstart=datetime(2026, 1, 1, tzinfo=zone), count=n)
out = sys.stdout
out.write("[\\n")
for i, d in enumerate(rule):
    out.write('  "' + d.isoformat() + ('",\\n' if i < n - 1 else '"\\n'))
out.write("]\\n")
"""


def recurrence(binary, repeat, results):
    cron_count = 1_000_000
    croniter_count = 100_000
    ours = best([run([binary, "next", "--cron", "*/5 * * * *", "--tz", "UTC", "--after", "2025-12-31T23:59:00Z",
                      "--count", str(cron_count), "--format", "json"])[0] for _ in range(repeat)])
    theirs = best([run([sys.executable, "-c", CRONITER, str(croniter_count)])[0] for _ in range(repeat)])
    results.append(("`*/5 * * * *` in UTC, JSON out",
                     f"{cron_count:,} in {ours:.3f} s = **{cron_count / ours / 1e6:.2f} M/s**",
                     f"croniter: {croniter_count:,} in {theirs:.2f} s = {croniter_count / theirs / 1e3:.1f} k/s",
                     f"**{(cron_count / ours) / (croniter_count / theirs):.0f}×**"))

    # Every month until the year 9525: both sides produce the same 90,000 instants.
    count = 90_000
    ours = best([run([binary, "next", "--every", "monthly on the last business day at 16:00", "--tz", "America/New_York",
                      "--after", "2026-01-01T00:00:00Z", "--count", str(count), "--format", "json"])[0] for _ in range(repeat)])
    theirs = best([run([sys.executable, "-c", DATEUTIL, str(count)])[0] for _ in range(repeat)])
    results.append(("`monthly on the last business day at 16:00`, America/New_York, JSON out",
                    f"{count:,} in {ours:.3f} s = **{count / ours / 1e6:.2f} M/s**",
                    f"dateutil + zoneinfo: {count:,} in {theirs:.2f} s = {count / theirs / 1e3:.1f} k/s",
                    f"**{theirs / ours:.0f}×**"))


# MARK: - Loopback receiver

class Receiver:
    """A keep-alive HTTP/1.1 receiver on 127.0.0.1 that answers 200 after `latency` seconds.

    asyncio on raw sockets, so the receiver is not what is measured: it answers about 15,000
    requests/s on one core, where http.server manages about 1,500 (and, writing headers and
    body separately, trips Nagle's algorithm into 40 ms stalls).
    """

    def __init__(self, port=0, latency=0.0, capture=None):
        self.count = 0
        self.first = None
        self.last = None
        self.latency = latency
        self.capture = capture
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        async def serve():
            self.server = await asyncio.start_server(self.handle, "127.0.0.1", port, backlog=1024)
            self.port = self.server.sockets[0].getsockname()[1]
            ready.set()

        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(serve(), self.loop).result()
        ready.wait()

    async def handle(self, reader, writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                started = time.perf_counter()
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip()] = value.strip()
                length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
                body = await reader.readexactly(length)
                if self.latency:
                    await asyncio.sleep(self.latency)
                if self.capture is not None:
                    kept = {k: v for k, v in headers.items() if k.lower().startswith("webhook-") or k.lower() == "content-type"}
                    self.capture.append((kept, body))
                close = any(k.lower() == "connection" and v.lower() == "close" for k, v in headers.items())
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + (b"Connection: close\r\n" if close else b"") + b"\r\nok")
                self.count += 1
                self.first = started if self.first is None else min(self.first, started)
                self.last = time.perf_counter()
                if close:
                    await writer.drain()
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def window(self):
        return (self.last - self.first) if self.first is not None else 0.0

    def close(self):
        async def stop():
            self.server.close()
            await self.server.wait_closed()
        try:
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=5)
        except Exception:
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# MARK: - Workspaces

def write_workspace(directory, playbooks, concurrency, state=None):
    """`playbooks` generated playbooks, all due daily at 09:00 UTC, one reminder each to `bench`.

    `state` is written as the workspace's `state:` (a PostgreSQL URL through ${env:...}, say);
    without it the default SQLite file is used.
    """
    os.makedirs(os.path.join(directory, "playbooks"), exist_ok=True)
    with open(os.path.join(directory, "opscadence.yaml"), "w") as f:
        f.write(f"timezone: UTC\ndelivery: {{ concurrency: {concurrency} }}\n"
                + (f"state: {state}\n" if state else "")
                + "targets:\n  bench:\n    kind: generic\n    url: ${env:BENCH_URL}\n    rate_limit: none\n")
    width = max(4, len(str(playbooks - 1)))
    for i in range(playbooks):
        with open(os.path.join(directory, "playbooks", f"p{i:0{width}}.yaml"), "w") as f:
            f.write(f"id: p{i:0{width}}\ntitle: Benchmark playbook {i}\ncron: \"0 9 * * *\"\nduration: 15m\n"
                    "agenda:\n  - { title: Numbers, minutes: 10 }\n  - { title: Actions, minutes: 5 }\n"
                    "checklist:\n  - Check the dashboard\n  - Assign owners\n"
                    "remind:\n  - { target: bench, before: 0m }\n")


def idle_tick(binary, repeat, results):
    with scratch_directory() as directory:
        shutil.copy(os.path.join(ROOT, "opscadence.yaml"), directory)
        shutil.copytree(os.path.join(ROOT, "playbooks"), os.path.join(directory, "playbooks"))
        run([binary, "tick", "--now", "2026-12-02T15:00:00Z"], cwd=directory)
        samples = [run([binary, "tick", "--now", f"2026-12-02T15:{1 + i % 50:02}:00Z"], cwd=directory) for i in range(repeat * 10)]
        times = [s[0] for s in samples]
        results.append(("idle tick, shipped workspace (9 playbooks, nothing due)",
                        f"median **{statistics.median(times) * 1000:.1f} ms**, best {min(times) * 1000:.1f} ms",
                        f"peak RSS **{max(s[1] for s in samples) / 1024:.1f} MB**", f"{len(samples)} runs"))


def busy_tick(binary, repeat, results):
    walls, windows, memory = [], [], []
    for _ in range(repeat):
        receiver = Receiver()
        with scratch_directory() as directory:
            write_workspace(directory, 1000, 8)
            env = dict(os.environ, BENCH_URL=f"http://127.0.0.1:{receiver.port}/hook")
            run([binary, "tick", "--now", "2026-12-02T08:00:00Z"], cwd=directory, env=env)
            wall, rss = run([binary, "tick", "--now", "2026-12-02T09:00:05Z"], cwd=directory, env=env)
            agendas = sum(len(files) for _, _, files in os.walk(os.path.join(directory, "agendas")))
        receiver.close()
        if receiver.count != 1000 or agendas != 2000:
            sys.exit(f"busy tick: receiver got {receiver.count} requests and {agendas} agenda files, expected 1000 and 2000")
        walls.append(wall)
        windows.append(receiver.window())
        memory.append(rss)
    results.append(("tick with 1,000 playbooks due: 2,000 agenda files + 1,000 webhooks to loopback",
                    f"median **{statistics.median(walls) * 1000:.0f} ms** wall",
                    f"peak RSS {max(memory) / 1024:.1f} MB; deliveries took {statistics.median(windows) * 1000:.0f} ms of it",
                    f"{repeat} runs"))


def delivery(binary, curl, repeat, latency, results):
    """1,000 queued deliveries sent by one tick, at concurrency 1 and 8, against curl --parallel."""
    bodies = []
    rows = {}
    for concurrency in (1, 8):
        walls, windows = [], []
        for attempt in range(repeat):
            port = free_port()
            with scratch_directory() as directory:
                write_workspace(directory, 1000, concurrency)
                env = dict(os.environ, BENCH_URL=f"http://127.0.0.1:{port}/hook")
                run([binary, "tick", "--now", "2026-12-02T08:00:00Z"], cwd=directory, env=env)
                # Nothing listens yet: every delivery fails to connect and is queued for retry.
                run([binary, "tick", "--now", "2026-12-02T09:00:05Z"], cwd=directory, env=env)
                capture = [] if not bodies and concurrency == 8 else None
                receiver = Receiver(port=port, latency=latency, capture=capture)
                wall, _ = run([binary, "tick", "--now", "2026-12-02T09:05:00Z"], cwd=directory, env=env)
                receiver.close()
                if receiver.count != 1000:
                    sys.exit(f"delivery: receiver got {receiver.count} requests, expected 1000")
                if capture is not None:
                    bodies = capture
                walls.append(wall)
                windows.append(receiver.window())
        rows[concurrency] = (statistics.median(walls), statistics.median(windows))

    with scratch_directory() as directory:
        requests = []
        for i, (headers, body) in enumerate(bodies):
            path = os.path.join(directory, f"{i}.json")
            with open(path, "wb") as f:
                f.write(body)
            requests.append(f'url = "http://127.0.0.1:PORT/hook"\ndata-binary = "@{path}"\noutput = "/dev/null"\n'
                            + "".join(f'header = "{k}: {v}"\n' for k, v in headers.items()))
        curl_rows = {}
        # Both curl and opscadence reuse connections; curl also runs with "Connection: close"
        # (a connection per request), the cost of a receiver that does not keep connections alive.
        # --parallel-immediate: open the 8 connections at once instead of waiting to reuse one
        # (without it, "Connection: close" makes curl --parallel run nearly one at a time).
        parallel = ["--parallel", "--parallel-immediate", "--parallel-max", "8"]
        for mode, flags, fresh in (("sequential", [], False), ("sequential", [], True),
                                   ("parallel", parallel, False), ("parallel", parallel, True)):
            walls, windows = [], []
            for _ in range(repeat):
                receiver = Receiver(latency=latency)
                with open(os.path.join(directory, "curl.config"), "w") as f:
                    extra = 'header = "Connection: close"\n' if fresh else ""
                    f.write("next\n".join(r.replace("PORT", str(receiver.port)) + extra for r in requests))
                wall, _ = run([curl, "--silent", "--show-error", "--fail", *flags, "--config", os.path.join(directory, "curl.config")])
                receiver.close()
                if receiver.count != 1000:
                    sys.exit(f"curl {mode}: receiver got {receiver.count} requests, expected 1000")
                walls.append(wall)
                windows.append(receiver.window())
            curl_rows[(mode, fresh)] = (statistics.median(walls), statistics.median(windows))

    label = f"receiver answers after {latency * 1000:.0f} ms" if latency else "receiver answers at once"
    for concurrency, mode, what in ((1, "sequential", "one at a time"), (8, "parallel", "8 at once")):
        ours = rows[concurrency]
        reuse, fresh = curl_rows[(mode, False)], curl_rows[(mode, True)]
        flags = " --parallel --parallel-immediate --parallel-max 8" if mode == "parallel" else ""
        # "Sending" is the receiver's window from the first request to the last answer: the
        # sender alone. The whole-process time adds, for OpsCadence, loading and checking the
        # 1,000-playbook workspace and opening the state; curl has nothing to load.
        results.append((f"1,000 deliveries, {what} ({label})",
                        f"concurrency {concurrency}: sending **{ours[1]:.2f} s**, whole tick {ours[0]:.2f} s",
                        f"curl{flags}: sending {reuse[1]:.2f} s ({reuse[0]:.2f} s) reusing connections, "
                        f"{fresh[1]:.2f} s ({fresh[0]:.2f} s) with a connection per request",
                        f"sending **{reuse[1] / ours[1]:.2f}×**, whole process {reuse[0] / ours[0]:.2f}×; "
                        f"against a connection per request {fresh[1] / ours[1]:.2f}×"))


# MARK: - Several instances on PostgreSQL

def database_url(base, schema):
    """The test server's URL with a schema of this benchmark's own (created by opscadence on first use)."""
    return base + ("&" if "?" in base else "?") + f"schema={schema}"


def psql(base, sql):
    """Runs SQL with psql against the test server; the password goes through the environment, not argv."""
    from urllib.parse import urlsplit, unquote
    url = urlsplit(base)
    env = dict(os.environ, PGHOST=url.hostname or "127.0.0.1", PGPORT=str(url.port or 5432),
               PGUSER=unquote(url.username or "postgres"), PGPASSWORD=unquote(url.password or ""),
               PGDATABASE=url.path.lstrip("/") or "postgres", PGSSLMODE="disable")
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def tick_loop(argv, cwd, env, done, log):
    """Ticks again and again until done() says every delivery arrived; appends (start, end, report) to log."""
    while not done():
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as errors:
            started = time.perf_counter()
            process = subprocess.run(argv, cwd=cwd, env=env, stdout=out, stderr=errors)
            ended = time.perf_counter()
            if process.returncode != 0:
                errors.seek(0)
                message = errors.read().decode(errors="replace")[-500:]
                # Another instance held a playbook's advisory lock past lock_timeout: the tick
                # exits 1 and records nothing, and the next tick does the step again (as cron would).
                if process.returncode == 1 and "locked by another instance" in message:
                    log.append((started, ended, {"locked": message.strip()}))
                    continue
                log.append((started, ended, {"error": f"exit {process.returncode}: " + message}))
                return
            out.seek(0)
            log.append((started, ended, json.loads(out.read() or b"{}")))


def fleet(binary, total, instances, state, base):
    """`instances` workspace folders with the same `total` playbooks and one state, ticking until
    the receiver (answering after 50 ms) has every reminder. Returns a dict of timings."""
    receiver = Receiver(latency=0.05, capture=[])
    env = dict(os.environ, BENCH_URL=f"http://127.0.0.1:{receiver.port}/hook")
    if state:
        env["OPS_DATABASE_URL"] = state
    folders = []
    for _ in range(instances):
        with scratch_directory() as directory:
            write_workspace(directory, total, 8, "${env:OPS_DATABASE_URL}" if state else None)
            folders.append(directory)
    # The playbooks' first tick (nothing is backfilled); the state is shared, so once is enough.
    run([binary, "tick", "--now", "2026-12-02T08:00:00Z"], cwd=folders[0], env=env)
    argv = [binary, "tick", "--now", "2026-12-02T09:00:05Z", "--format", "json"]
    logs = [[] for _ in folders]
    done = lambda: receiver.count >= total
    started = time.perf_counter()
    threads = [threading.Thread(target=tick_loop, args=(argv, folder, env, done, log)) for folder, log in zip(folders, logs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = time.perf_counter()
    receiver.close()
    errors = [entry[2]["error"] for log in logs for entry in log if "error" in entry[2]]
    if errors:
        sys.exit(f"postgres step: a tick failed: {errors[0]}")
    ids = {headers.get("webhook-id") for headers, _ in receiver.capture}
    if receiver.count != total or len(ids) != total:
        sys.exit(f"postgres step: receiver got {receiver.count} requests with {len(ids)} webhook-ids, expected {total}")
    recorded = sum(len(entry[2].get("occurrences", [])) for log in logs for entry in log)
    # Each instance reports only what it recorded itself (it plans only the playbooks it claimed).
    if recorded != total:
        sys.exit(f"postgres step: the ticks recorded {recorded} occurrences, expected {total}")
    if base and state and shutil.which("psql"):
        schema = state.rsplit("schema=", 1)[1]
        counts = psql(base, f"select (select count(*) from {schema}.occurrence), (select count(*) from {schema}.delivery), "
                            f"(select count(*) from {schema}.delivery where state <> 'delivered')")
        if counts != f"{total}|{total}|0":
            sys.exit(f"postgres step: the database holds occurrences|deliveries|undelivered = {counts}, expected {total}|{total}|0")
    return {
        "wall": receiver.last - started,           # first tick started → 10,000th answer
        "processes": ended - started,              # until the last tick process ended
        "planning": receiver.first - started,      # until the first request arrived
        "sending": receiver.window(),
        "ticks": [len(log) for log in logs],
        "locked": [sum(1 for e in log if "locked" in e[2]) for log in logs],
        "delivered": [sum(len(e[2].get("deliveries", [])) for e in log) for log in logs],
        "planned": [sum(len(e[2].get("occurrences", [])) for e in log) for log in logs],
    }


def postgres(binary, repeat, results, total=10_000):
    """10,000 playbooks due in the same minute: SQLite, one instance on PostgreSQL, three on one PostgreSQL;
    and the idle tick of the shipped workspace on PostgreSQL against SQLite, interleaved."""
    base = os.environ.get("OPS_TEST_DATABASE_URL") or sys.exit(
        "the postgres step needs OPS_TEST_DATABASE_URL (scripts/bench starts a throwaway cluster with scripts/with-postgres)")
    tag = f"{os.getpid()}_{int(time.time())}"
    cases = {}
    for name, instances, state in (("SQLite, 1 instance", 1, None),
                                   ("PostgreSQL, 1 instance", 1, database_url(base, f"bench_one_{tag}")),
                                   ("PostgreSQL, 3 instances", 3, database_url(base, f"bench_three_{tag}"))):
        print(f"…   {name}", file=sys.stderr, flush=True)
        cases[name] = fleet(binary, total, instances, state, base)
        print(f"…   {json.dumps(cases[name])}", file=sys.stderr, flush=True)
    sqlite, one, three = (cases[k] for k in ("SQLite, 1 instance", "PostgreSQL, 1 instance", "PostgreSQL, 3 instances"))
    for name, case in cases.items():
        share = "; deliveries per instance " + " / ".join(f"{d:,}" for d in case["delivered"]) if len(case["delivered"]) > 1 else ""
        results.append((f"{total:,} playbooks due in one minute, one reminder each, receiver answers after 50 ms, concurrency 8: {name}",
                        f"first tick → {total:,}th delivery **{case['wall']:.1f} s** = **{total / case['wall']:.0f} deliveries/s**",
                        f"planning (until the first request) {case['planning']:.1f} s, sending {case['sending']:.1f} s "
                        f"({total / case['sending']:.0f}/s); ticks {' / '.join(map(str, case['ticks']))}"
                        + (f", of which exited 1 on a playbook lock held by another instance {' / '.join(map(str, case['locked']))}" if any(case["locked"]) else "")
                        + share,
                        "" if case is sqlite else
                        (f"**{sqlite['wall'] / one['wall']:.2f}×** SQLite's rate" if case is one else
                         f"**{one['wall'] / three['wall']:.2f}×** one instance's rate")))

    # Idle tick: the shipped workspace, nothing due, state in SQLite or in PostgreSQL, interleaved.
    # No peak RSS here: wait4 reported the benchmark's own Python process (94 MB after the cases
    # above, which keep 10,000 captured requests) for both sides.
    with scratch_directory() as lite, scratch_directory() as shared:
        env = dict(os.environ, OPS_DATABASE_URL=database_url(base, f"bench_idle_{tag}"))
        for directory in (lite, shared):
            shutil.copy(os.path.join(ROOT, "opscadence.yaml"), directory)
            shutil.copytree(os.path.join(ROOT, "playbooks"), os.path.join(directory, "playbooks"))
        with open(os.path.join(shared, "opscadence.yaml")) as f:
            config = f.read()
        with open(os.path.join(shared, "opscadence.yaml"), "w") as f:
            f.write(config.replace("state: .opscadence/state.sqlite", "state: ${env:OPS_DATABASE_URL}", 1))
        for directory in (lite, shared):
            run([binary, "tick", "--now", "2026-12-02T15:00:00Z"], cwd=directory, env=env)
        samples = {lite: [], shared: []}
        for i in range(repeat * 10):
            for directory in ((lite, shared) if i % 2 == 0 else (shared, lite)):
                samples[directory].append(run([binary, "tick", "--now", f"2026-12-02T15:{1 + i % 50:02}:00Z"], cwd=directory, env=env))
        lite_times, shared_times = ([s[0] for s in samples[d]] for d in (lite, shared))
        results.append(("idle tick on PostgreSQL (loopback), shipped workspace (9 playbooks, nothing due)",
                        f"median **{statistics.median(shared_times) * 1000:.1f} ms**, best {min(shared_times) * 1000:.1f} ms",
                        f"SQLite, interleaved: median {statistics.median(lite_times) * 1000:.1f} ms, best {min(lite_times) * 1000:.1f} ms",
                        f"{len(shared_times)} runs each; PostgreSQL **{statistics.median(shared_times) / statistics.median(lite_times):.2f}×** SQLite's time"))
    with contextlib.suppress(Exception):
        for schema in (f"bench_one_{tag}", f"bench_three_{tag}", f"bench_idle_{tag}"):
            psql(base, f"drop schema if exists {schema} cascade")


# MARK: - Web app

WEB_NOW = "2026-12-04T15:50:00Z"  # a Friday; the weekly review starts at 16:00 UTC
WEB_MEETING = "/meetings/weekly-review/2026-12-04T16:00:00Z"
KPI_KEYS = ("order_accuracy", "forecast_mape", "stockout_rate", "fulfillment_error_rate",
            "manual_hours_per_week", "time_to_decision_hours", "cost_per_order")

# wrk prints its own report; this adds one JSON line with what the table needs (latency in µs).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "bytes": %d, "seconds": %f, "p50": %d, "p99": %d, "status_errors": %d, "socket_errors": %d}\\n',
    summary.requests, summary.bytes, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""

NGINX_CONFIG = """
daemon off;
master_process on;
worker_processes auto;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type text/html;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
    }}
}}
"""


def write_web_workspace(directory):
    """One weekly review whose agenda shows the seven built-in KPIs and carries action items over."""
    os.makedirs(os.path.join(directory, "playbooks"), exist_ok=True)
    with open(os.path.join(directory, "opscadence.yaml"), "w") as f:
        f.write("timezone: UTC\npeople:\n  - { name: Bench Admin, role: admin }\n  - { name: Bench Member }\n")
    with open(os.path.join(directory, "playbooks", "weekly-review.yaml"), "w") as f:
        f.write("id: weekly-review\ntitle: Weekly review\ndescription: The numbers, then the action items.\n"
                "schedule: weekly on friday at 16:00\nduration: 45m\nowner: Bench Admin\nattendees: [Bench Admin, Bench Member]\n"
                "agenda:\n"
                f"  - {{ title: KPI scorecard, minutes: 15, kpis: [{', '.join(KPI_KEYS)}] }}\n"
                "  - { title: Action items, minutes: 30, carry_over: true }\n"
                "checklist:\n  - { item: Update the scorecard, owner: Bench Admin, due: -1h }\n"
                "  - { item: Assign owners to new items }\n  - { item: Send the summary }\n")


def http_request(method, port, path, headers=None):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=b"" if method == "POST" else None, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Set-Cookie"), body


def wrk_run(wrk, url, cookie, seconds, directory):
    """One wrk run, 2 threads and 32 connections kept alive: requests/s, p50 and p99 in ms."""
    script = os.path.join(directory, "report.lua")
    with open(script, "w") as f:
        f.write(WRK_REPORT)
    argv = [wrk, "-t2", "-c32", f"-d{seconds}s", "--timeout", "30s", "--latency", "-s", script]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    if report["status_errors"] or report["socket_errors"] or not report["requests"]:
        sys.exit(f"wrk {url}: {report['status_errors']} answers were not 2xx/3xx, {report['socket_errors']} socket errors\n{output}")
    return report["requests"] / report["seconds"], report["p50"] / 1000, report["p99"] / 1000


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024


def web(binary, nginx, wrk, repeat, seconds, results):
    """`opscadence serve` under wrk, signed in, against nginx serving the same pages from disk.

    The practical ceiling: nginx sends the bytes the app answered, saved to files, so the
    difference is what building a page from the workspace and the state costs.
    """
    with scratch_directory() as directory:
        write_web_workspace(directory)
        cli = lambda *argv: run([binary, *argv, "--now", WEB_NOW], cwd=directory)
        cli("tick")
        # Four weekly values per KPI, so the scorecard has a trend; some end red, some green.
        for week, date in enumerate(("2026-11-13", "2026-11-20", "2026-11-27", "2026-12-04")):
            for i, key in enumerate(KPI_KEYS):
                cli("kpi", "record", key, f"{(90 + i + week) if key == 'order_accuracy' else (2 + i + week / 4):.2f}", "--at", date)
        for i in range(50):
            due = f"2026-12-{1 + i % 28:02}"  # six of them overdue on 4 December
            cli("action", "add", f"Action item {i + 1}: follow up with the carrier about lane {i}", "--owner",
                ("Bench Admin", "Bench Member", "Sam")[i % 3], "--due", due, "--playbook", "weekly-review")

        with tempfile.TemporaryFile() as errors:
            server = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0", "--now", WEB_NOW], cwd=directory,
                                      stdout=subprocess.PIPE, stderr=errors)
            nginx_process = None
            try:
                line = server.stdout.readline().decode()
                if not line.startswith("serving http://127.0.0.1:"):
                    errors.seek(0)
                    sys.exit(f"serve did not start: {line}{errors.read().decode(errors='replace')[-500:]}")
                port = int(line.strip().rsplit(":", 1)[1].rstrip("/"))
                invite = subprocess.run([binary, "people", "invite", "Bench Admin", "--format", "json", "--now", WEB_NOW],
                                        cwd=directory, capture_output=True, text=True, check=True)
                link = json.loads(invite.stdout)["url"].split("://", 1)[1].split("/", 1)[1]
                status, cookie, _ = http_request("POST", port, "/" + link, {
                    "Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"})
                if status != 303 or not cookie or not cookie.startswith("opscadence_session="):
                    sys.exit(f"web: signing in answered {status}, cookie {cookie}")
                cookie = cookie.split(";")[0]
                status, _, html = http_request("GET", port, WEB_MEETING, {"Cookie": cookie})
                if status != 200 or html.count(b'action="/actions/') != 100 or html.count(b'<th scope="row">') != len(KPI_KEYS):
                    sys.exit(f"web: the meeting page answered {status} without 50 action items and {len(KPI_KEYS)} KPIs")
                status, _, today = http_request("GET", port, "/", {"Cookie": cookie})
                if status != 200:
                    sys.exit(f"web: Today answered {status}")

                www = os.path.join(directory, "nginx", "www")
                os.makedirs(www)
                # Started by root, nginx's workers run as nobody: let them through to the pages.
                os.chmod(directory, 0o711)
                for name, page in (("meeting.html", html), ("today.html", today)):
                    with open(os.path.join(www, name), "wb") as f:
                        f.write(page)
                nginx_port = free_port()
                with open(os.path.join(directory, "nginx", "nginx.conf"), "w") as f:
                    f.write(NGINX_CONFIG.format(root=os.path.join(directory, "nginx"), port=nginx_port))
                nginx_process = subprocess.Popen([nginx, "-p", os.path.join(directory, "nginx"), "-e", "stderr",
                                                  "-c", os.path.join(directory, "nginx", "nginx.conf")],
                                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + 10
                while True:
                    try:
                        if http_request("GET", nginx_port, "/meeting.html")[2] == html:
                            break
                    except OSError:
                        pass
                    if time.monotonic() > deadline or nginx_process.poll() is not None:
                        sys.exit("web: nginx did not start or does not serve the pages")
                    time.sleep(0.05)

                cases = {
                    "meeting": (f"http://127.0.0.1:{port}{WEB_MEETING}", cookie),
                    "nginx meeting": (f"http://127.0.0.1:{nginx_port}/meeting.html", None),
                    "today": (f"http://127.0.0.1:{port}/", cookie),
                    "nginx today": (f"http://127.0.0.1:{nginx_port}/today.html", None),
                }
                for url, session in cases.values():  # warm up: connections, caches, the page cache
                    wrk_run(wrk, url, session, 1, directory)
                samples = {name: [] for name in cases}
                cpu = {"meeting": 0.0, "today": 0.0}
                served = {"meeting": 0, "today": 0}
                for _ in range(repeat):  # interleaved, so a change in load falls on all four
                    for name, (url, session) in cases.items():
                        before = cpu_seconds(server.pid) if name in cpu else 0
                        samples[name].append(wrk_run(wrk, url, session, seconds, directory))
                        if name in cpu:
                            cpu[name] += cpu_seconds(server.pid) - before
                            served[name] += samples[name][-1][0] * seconds
                rss = peak_rss_mb(server.pid)
            finally:
                for process in (nginx_process, server):
                    if process is not None and process.poll() is None:
                        process.terminate()
                        process.wait(timeout=30)

    def summary(name):
        rates, p50s, p99s = ([s[i] for s in samples[name]] for i in range(3))
        spread = f" ({min(rates):,.0f}–{max(rates):,.0f}/s, p99 {min(p99s):.1f}–{max(p99s):.1f} ms)" if len(rates) > 1 else ""
        return statistics.median(rates), statistics.median(p50s), statistics.median(p99s), spread

    runs = f"{repeat} × {seconds} s" if repeat > 1 else f"{seconds} s"
    for name, label, size in (("meeting", "meeting page (50 open action items, 7 KPIs)", len(html)),
                              ("today", "Today (`/`)", len(today))):
        rate, p50, p99, spread = summary(name)
        ceiling, ceiling_p50, ceiling_p99, ceiling_spread = summary(f"nginx {name}")
        results.append((f"web: {label}, signed in, wrk -t2 -c32, {runs} (medians)",
                        f"**{rate:,.0f} requests/s**, p99 **{p99:.1f} ms**, p50 {p50:.1f} ms{spread}; {size / 1024:.1f} KB page, "
                        f"{cpu[name] / max(served[name], 1) * 1000:.2f} ms CPU per page, peak RSS {rss:.0f} MB",
                        f"nginx, the same page from disk: {ceiling:,.0f} requests/s, p99 {ceiling_p99:.1f} ms, p50 {ceiling_p50:.1f} ms{ceiling_spread}",
                        f"**{rate / ceiling:.3f}×** requests/s; p99 {p99 / max(ceiling_p99, 0.001):.0f}× nginx's"))


# MARK: - Report

def machine(binary, curl, nginx, wrk):
    def first_line(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = "?"
    try:
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    from importlib.metadata import version
    return [
        f"- Machine: {cpu}, {os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.release()}",
        f"- {first_line(['swift', '--version'])}",
        f"- opscadence: `{os.path.relpath(binary, ROOT)}`, {os.path.getsize(binary) / 1e6:.1f} MB",
        f"- Python {platform.python_version()}, croniter {version('croniter')}, python-dateutil {version('python-dateutil')}; "
        f"{first_line([curl, '--version'])}",
        f"- {first_line([wrk, '--version']).split(' [')[0]}, "
        f"{subprocess.run([nginx, '-v'], capture_output=True, text=True).stderr.strip().removeprefix('nginx version: ')}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--quick", action="store_true", help="one repetition of each step")
    parser.add_argument("--only", action="append", metavar="STEP",
                        choices=["recurrence", "idle-tick", "busy-tick", "delivery", "delivery-with-latency", "web", "postgres"],
                        help="run only this step (repeatable): recurrence, idle-tick, busy-tick, delivery, delivery-with-latency, web, postgres")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    curl = shutil.which("curl") or sys.exit("curl is needed for the delivery comparison")
    nginx = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin") or sys.exit("nginx is needed for the web comparison")
    wrk = shutil.which("wrk") or sys.exit("wrk is needed for the web benchmark")
    repeat = 1 if args.quick else 3

    results = []
    steps = [
        ("recurrence", lambda: recurrence(binary, repeat, results)),
        ("idle tick", lambda: idle_tick(binary, repeat, results)),
        ("busy tick", lambda: busy_tick(binary, repeat, results)),
        ("delivery", lambda: delivery(binary, curl, repeat, 0.0, results)),
        ("delivery with latency", lambda: delivery(binary, curl, 1, 0.01, results)),
        ("web", lambda: web(binary, nginx, wrk, repeat, 3 if args.quick else 10, results)),
        ("postgres", lambda: postgres(binary, repeat, results)),
    ]
    for name, step in steps:
        if args.only and name.replace(" ", "-") not in args.only:
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        step()

    print("\n".join(machine(binary, curl, nginx, wrk)))
    flags = (" --quick" if args.quick else "") + "".join(f" --only {name}" for name in args.only or [])
    print(f"- Command: `scripts/bench{flags}` ({time.strftime('%Y-%m-%d')})\n")
    print("| Case | OpsCadence | Side by side | OpsCadence faster by |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
