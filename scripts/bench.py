#!/usr/bin/env python3
"""OpsCadence benchmarks, side by side with the tools a user would otherwise pick.

Run through `scripts/bench`, which builds the release binary first:

    scripts/bench            # everything, about seven minutes on 2 cores
    scripts/bench --quick    # fewer repetitions, for a smoke run

Every number is wall time of whole processes (start-up included) measured here, in the same
run, on the same machine. Results print as Markdown, ready for docs/PERFORMANCE.md.
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

def write_workspace(directory, playbooks, concurrency):
    os.makedirs(os.path.join(directory, "playbooks"), exist_ok=True)
    with open(os.path.join(directory, "opscadence.yaml"), "w") as f:
        f.write(f"timezone: UTC\ndelivery: {{ concurrency: {concurrency} }}\n"
                "targets:\n  bench:\n    kind: generic\n    url: ${env:BENCH_URL}\n    rate_limit: none\n")
    for i in range(playbooks):
        with open(os.path.join(directory, "playbooks", f"p{i:04}.yaml"), "w") as f:
            f.write(f"id: p{i:04}\ntitle: Benchmark playbook {i}\ncron: \"0 9 * * *\"\nduration: 15m\n"
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


# MARK: - Report

def machine(binary, curl):
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
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--quick", action="store_true", help="one repetition of each step")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    curl = shutil.which("curl") or sys.exit("curl is needed for the delivery comparison")
    repeat = 1 if args.quick else 3

    results = []
    steps = [
        ("recurrence", lambda: recurrence(binary, repeat, results)),
        ("idle tick", lambda: idle_tick(binary, repeat, results)),
        ("busy tick", lambda: busy_tick(binary, repeat, results)),
        ("delivery", lambda: delivery(binary, curl, repeat, 0.0, results)),
        ("delivery with latency", lambda: delivery(binary, curl, 1, 0.01, results)),
    ]
    for name, step in steps:
        print(f"… {name}", file=sys.stderr, flush=True)
        step()

    print("\n".join(machine(binary, curl)))
    print(f"- Command: `scripts/bench{' --quick' if args.quick else ''}` ({time.strftime('%Y-%m-%d')})\n")
    print("| Case | OpsCadence | Side by side | OpsCadence faster by |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
