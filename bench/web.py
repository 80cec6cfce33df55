"""Benchmark: the web server on a portfolio.

    python bench/web.py [--projects 1000] [--tasks 1000] [--clients 50] [--requests 2000]

Builds a ledger and a plan server of N projects (one task each) plus one
project of T tasks (summary tasks of 20 subtasks each, a chain of finish-to-
start links inside each summary and a link from each summary's last task to
the next summary's first), scheduled; serves them with ``projsync serve`` in
its own process; then measures, as a project manager of the portfolio's
company (so every request is checked and scoped):

- the project tasks endpoint (``/api/v1/plan/projects/{id}/tasks``) of the
  T-task project under C concurrent keep-alive clients on loopback, asking
  for gzip as browsers do (``--identity`` for uncompressed bodies): median and
  99th percentile latency, and requests per second;
- the Gantt page of that project in headless Chromium, from navigation to a
  frame painted with the chart: the first load (which draws the chart on the
  server, kept until the plan changes) and the median of the next three.

In the same run, the floor: a bare FastAPI application on uvicorn answering
a body of the same size from memory to the same clients (``floor_p99_ms``).

Prints, as its last line, JSON ``{"projects", "tasks", "clients", "requests",
"encoding", "api_p50_ms", "api_p99_ms", "requests_per_s", "gantt_render_ms",
"gantt_first_ms", "body_bytes", "floor_p99_ms"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from projsync.db import open_store
from projsync.ledger.model import Company, Project
from projsync.ledger.service import LedgerService
from projsync.plan.entities import PlanLink, PlanProject, PlanTask
from projsync.plan.scheduling import schedule_project
from projsync.plan.service import PlanService
from projsync.web.access import AccessService
from projsync.web.model import Role

PASSWORD = "bench password"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def build(home: Path, projects: int, tasks: int) -> str:
    """The portfolio under ``home``; returns a bearer token of a project manager."""
    stores = {
        part: open_store(part, f"sqlite:///{home / f'{part}.db'}", part)
        for part in ("ledger", "plan", "sync", "web")
    }
    ledger = LedgerService(stores["ledger"])
    plan = PlanService(stores["plan"])
    ledger.add_company(Company(id="BENCH", name="Bench Ltd", currency="EUR"))
    start = dt.datetime(2026, 3, 2, 8)  # noqa: DTZ001 (the plan keeps local wall-clock times)
    for number in range(projects):
        project_id = f"P{number:04d}"
        ledger.add_project(Project(id=project_id, company="BENCH", name=f"Project {number}"))
        plan.add_project(PlanProject(id=project_id, name=f"Project {number}", start=start))
        if number:
            plan.add_tasks(project_id, [PlanTask(project=project_id, id="1", name="Work")])
    big = "P0000"
    new: list[PlanTask] = []
    links: list[PlanLink] = []
    group = 20
    for first in range(0, tasks, group + 1):
        summary = f"S{first}"
        new.append(PlanTask(project=big, id=summary, name=f"Phase {first // (group + 1) + 1}"))
        children = [f"T{n}" for n in range(first + 1, min(first + group + 1, tasks))]
        for index, child in enumerate(children):
            new.append(
                PlanTask(
                    project=big,
                    id=child,
                    name=f"Task {child}",
                    parent=summary,
                    duration=480 * (1 + index % 3),
                    work=480 * (1 + index % 3),
                )
            )
            if index:
                links.append(
                    PlanLink(project=big, predecessor=children[index - 1], successor=child)
                )
        if first and children:
            previous_last = f"T{first - 1}"
            links.append(PlanLink(project=big, predecessor=previous_last, successor=children[0]))
    plan.add_tasks(
        big, new[:tasks], [link for link in links if link.successor in {t.id for t in new[:tasks]}]
    )
    schedule_project(stores["plan"], big)
    access = AccessService(stores["web"])
    access.add_user("pm", name="Bench PM", role=Role.PROJECT_MANAGER, password=PASSWORD,
                    companies=["BENCH"])  # fmt: skip
    _token, secret = access.create_token("pm", name="bench")
    for store in stores.values():
        store.dispose()
    return secret


FLOOR = """
import sys
import uvicorn
from fastapi import FastAPI, Response

app = FastAPI()
body = b"x" * int(sys.argv[2])


@app.get("/floor")
async def floor() -> Response:
    return Response(body, media_type="application/json")


uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
"""The floor: a bare FastAPI application answering a body of the same size
from memory, with no store, no check, no scope."""


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.1)


def _body_size(port: int, path: str, token: str, encoding: str) -> int:
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(
            f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
            f"Accept-Encoding: {encoding}\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return len(data.partition(b"\r\n\r\n")[2])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _client(
    port: int, request: bytes, latencies: list[float], budget: list[int], deadline: float
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while budget[0] > 0 and time.perf_counter() < deadline:
            budget[0] -= 1
            began = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            length = re.search(rb"(?i)content-length: *(\d+)", head)
            assert length is not None
            await reader.readexactly(int(length.group(1)))
            latencies.append(time.perf_counter() - began)
    finally:
        writer.close()


async def _load(
    port: int, path: str, token: str, clients: int, requests: int, encoding: str
) -> list[float]:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Accept-Encoding: {encoding}\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    budget = [requests]
    deadline = time.perf_counter() + 120  # bounded in time as in count
    await asyncio.gather(
        *(_client(port, request, latencies, budget, deadline) for _ in range(clients))
    )
    return latencies


def _gantt_ms(base: str, project: str) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/login")
        page.fill("#login", "pm")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for _ in range(4):
            began = time.perf_counter()
            page.goto(f"{base}/plan/{project}", wait_until="load")
            page.wait_for_selector("svg.gantt rect.bar")
            # a frame painted after the chart is in the document
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(null)))")
            timings.append((time.perf_counter() - began) * 1000)
        bars = page.locator("svg.gantt rect.bar").count()
        browser.close()
    print(f"gantt: {bars} bars, runs {[round(t) for t in timings]} ms", file=sys.stderr)
    return statistics.median(timings[1:]), timings[0]


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument(
        "--identity", action="store_true", help="Ask for uncompressed bodies (default: gzip)."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        print(f"building {args.projects} projects, one of {args.tasks} tasks ...", file=sys.stderr)
        token = build(home, args.projects, args.tasks)
        port = _free_port()
        env = {**os.environ, "PROJSYNC_HOME": str(home)}
        for key in [
            k for k in env if k.startswith("PROJSYNC_") and k.endswith(("_URL", "_SCHEMA"))
        ]:
            del env[key]
        server = subprocess.Popen(
            [sys.executable, "-m", "projsync.cli.main", "serve", "--no-sync", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(port, server)
            path = "/api/v1/plan/projects/P0000/tasks"
            encoding = "identity" if args.identity else "gzip"
            asyncio.run(_load(port, path, token, 1, 20, encoding))  # warm up
            began = time.perf_counter()
            latencies = asyncio.run(_load(port, path, token, args.clients, args.requests, encoding))
            elapsed = time.perf_counter() - began
            gantt, gantt_first = _gantt_ms(f"http://127.0.0.1:{port}", "P0000")
            size = _body_size(port, path, token, encoding)
        finally:
            server.terminate()
            server.wait(timeout=30)
        floor_port = _free_port()
        floor = subprocess.Popen(
            [sys.executable, "-c", FLOOR, str(floor_port), str(size)], stderr=subprocess.PIPE
        )
        try:
            _wait_for(floor_port, floor)
            asyncio.run(_load(floor_port, "/floor", token, 1, 20, encoding))
            floor_latencies = sorted(
                asyncio.run(
                    _load(floor_port, "/floor", token, args.clients, args.requests, encoding)
                )
            )
        finally:
            floor.terminate()
            floor.wait(timeout=30)
    ordered = sorted(latencies)
    result = {
        "projects": args.projects,
        "tasks": args.tasks,
        "clients": args.clients,
        "requests": len(ordered),
        "encoding": "identity" if args.identity else "gzip",
        "api_p50_ms": round(statistics.median(ordered) * 1000, 1),
        "api_p99_ms": round(_p99(ordered) * 1000, 1),
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "gantt_render_ms": round(gantt, 1),
        "gantt_first_ms": round(gantt_first, 1),
        "body_bytes": size,
        "floor_p99_ms": round(_p99(floor_latencies) * 1000, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
