"""Helpers shared by the benchmarks: servers in subprocesses, a closed-loop HTTP load.

The load generator runs on the same machine as the server, so it is built to
cost little: a few forked processes, each driving several connections with
non-blocking sockets and epoll; requests assembled from bytes; responses parsed
just enough to get the status, the keep-alive decision and the new comment's
id. Every loop is bounded by a deadline and a request cap; everything talks to
127.0.0.1 only.
"""

import contextlib
import math
import multiprocessing
import os
import re
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

LOOPBACK = "127.0.0.1"
_CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- processes -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def vaglio_command(*args: str) -> list[str]:
    """`vaglio ARGS` as installed next to this interpreter (the console script)."""
    script = Path(sys.executable).with_name("vaglio")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "service.cli", *args]


def run_checked(cmd: list[str], env: dict) -> str:
    """Run a short command; return its stdout, or fail with its stderr."""
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


class Server:
    """A server subprocess (its own session) logging to a file, stopped on exit."""

    def __init__(self, name: str, cmd: list[str], env: dict, port: int, log_path: Path):
        self.name, self.cmd, self.env, self.port, self.log_path = name, cmd, env, port, log_path
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        # The access log goes to a file, as a service manager would take it;
        # a pipe nobody reads would stall the server once full.
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_ready(self.port, self.proc, self.log_path)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)  # its own session only
                self.proc.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None

    def cpu_seconds(self) -> float:
        """CPU used so far by the server and every live descendant (gunicorn workers)."""
        return tree_cpu_seconds(self.proc.pid) if self.proc else 0.0


def wait_ready(port: int, proc: subprocess.Popen, log_path: Path, timeout: float = 300.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{_tail(log_path)}")
        conn = HTTPConnection(LOOPBACK, port, timeout=2)
        try:
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.1)
    raise RuntimeError(f"server not ready on port {port} after {timeout:.0f} s:\n{_tail(log_path)}")


def _tail(path: Path, size: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return "(no log)"


def tree_cpu_seconds(root_pid: int) -> float:
    """utime + stime of ``root_pid`` and its live descendants, from /proc."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields_ = stat[stat.rfind(")") + 2 :].split()
        parents[int(entry)] = int(fields_[1])
        times[int(entry)] = (int(fields_[11]) + int(fields_[12])) / _CLK_TCK
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def machine_busy_seconds() -> float:
    """CPU seconds spent by every process on the machine since boot (/proc/stat)."""
    values = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in values[:8])
    return (user + nice + system + irq + softirq + steal) / _CLK_TCK


def other_load(seconds: float = 1.0) -> float:
    """Cores kept busy by the machine over ``seconds`` (before a run: other people's work)."""
    before = machine_busy_seconds()
    time.sleep(seconds)
    return (machine_busy_seconds() - before) / seconds


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# -- load ------------------------------------------------------------------------

# A function (client index, request number) -> JSON body bytes. Called in the
# forked client process, so it may close over anything.
BodyFactory = Callable[[int, int], bytes]

_ID_RE = re.compile(rb'"id"\s*:\s*"([^"]+)"')


@dataclass
class LoadResult:
    label: str
    clients: int
    duration: float  # seconds measured (after the warm-up)
    latencies: array  # seconds, requests started and finished inside the window
    statuses: Counter  # status code (or "connection error") -> count, inside the window
    total_statuses: Counter  # the same over the whole run, warm-up and tail included
    accepted_ids: list[str] = field(default_factory=list)  # ids of every 202, whole run
    new_connections: int = 0  # TCP connections opened over the whole run
    client_cpu: float = 0.0  # CPU seconds the clients used inside the window
    server_cpu: float = 0.0  # CPU seconds the server tree used inside the window
    redis_cpu: float | None = None
    machine_cpu: float = 0.0  # CPU seconds of the whole machine inside the window

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def successes(self) -> int:
        return sum(n for status, n in self.statuses.items() if status in range(200, 300))

    @property
    def rate(self) -> float:
        """Successful (2xx) responses per second: a fast error is not throughput."""
        return self.successes / self.duration

    def percentile_ms(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def errors(self) -> dict:
        return {str(k): v for k, v in sorted(self.statuses.items(), key=str) if k != 202}

    def summary(self) -> dict:
        ours = self.client_cpu + self.server_cpu + (self.redis_cpu or 0.0)
        return {
            "requests": self.requests,
            "duration_s": round(self.duration, 3),
            "requests_per_s": round(self.rate, 1),
            "p50_ms": round(self.percentile_ms(50), 3),
            "p90_ms": round(self.percentile_ms(90), 3),
            "p99_ms": round(self.percentile_ms(99), 3),
            "max_ms": round(max(self.latencies, default=0) * 1000, 3),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items(), key=str)},
            "statuses_whole_run": {
                str(k): v for k, v in sorted(self.total_statuses.items(), key=str)
            },
            "server_cpu_us_per_request": round(self.server_cpu / max(self.requests, 1) * 1e6),
            "requests_per_connection": round(
                sum(self.total_statuses.values()) / max(self.new_connections, 1), 2
            ),
            "cpu_cores_used": {
                "clients": round(self.client_cpu / self.duration, 2),
                "server": round(self.server_cpu / self.duration, 2),
                **(
                    {"redis": round(self.redis_cpu / self.duration, 2)}
                    if self.redis_cpu is not None
                    else {}
                ),
                "other_processes": round(max(self.machine_cpu - ours, 0.0) / self.duration, 2),
            },
        }


def merge(results: list[LoadResult]) -> LoadResult:
    """One result from several runs against the same server (rounds)."""
    merged = LoadResult(results[0].label, results[0].clients, 0.0, array("d"), Counter(), Counter())
    merged.redis_cpu = None if results[0].redis_cpu is None else 0.0
    for result in results:
        merged.duration += result.duration
        merged.latencies.extend(result.latencies)
        merged.statuses.update(result.statuses)
        merged.total_statuses.update(result.total_statuses)
        merged.accepted_ids.extend(result.accepted_ids)
        merged.new_connections += result.new_connections
        merged.client_cpu += result.client_cpu
        merged.server_cpu += result.server_cpu
        merged.machine_cpu += result.machine_cpu
        if merged.redis_cpu is not None:
            merged.redis_cpu += result.redis_cpu or 0.0
    return merged


def percentile(values, q: float) -> float:
    """Nearest-rank percentile (q in 0-100) of a sequence of numbers."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def run_load(
    label: str,
    port: int,
    path: str,
    headers: dict[str, str],
    make_body: BodyFactory,
    *,
    clients: int,
    warmup: float,
    duration: float,
    max_requests_per_client: int,
    first_client: int = 0,
    processes: int = 4,
    server: Server | None = None,
    redis_cpu: Callable[[], float] | None = None,
) -> LoadResult:
    """``clients`` closed-loop clients POSTing for ``warmup`` + ``duration`` seconds.

    Client ``i`` builds its bodies with ``make_body(first_client + i, n)``; give
    each run its own ``first_client`` range to get bodies no earlier run sent.
    Each client sends its next request as soon as the previous answer is in. It
    keeps the connection when the server does (HTTP/1.1 keep-alive) and opens a
    new one when the server closes it (gunicorn's sync workers close every one),
    so the latency is what a site's backend sees, connection set-up included.
    The clients share ``processes`` processes (epoll), so the load costs the
    machine less than the server it measures.
    """
    ctx = multiprocessing.get_context("fork")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request_head = (
        f"POST {path} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n{head}Content-Length: "
    ).encode()
    start_at = time.monotonic() + 0.5  # every client forked and waiting by then
    window = (start_at + warmup, start_at + warmup + duration)
    pipes, procs = [], []
    groups = min(clients, processes)
    for group in range(groups):
        receive, send = ctx.Pipe(duplex=False)
        indices = [first_client + index for index in range(group, clients, groups)]
        proc = ctx.Process(
            target=_client_group,
            args=(
                send,
                indices,
                port,
                request_head,
                make_body,
                start_at,
                window,
                max_requests_per_client,
            ),
            daemon=True,
        )
        proc.start()
        send.close()
        pipes.append(receive)
        procs.append(proc)

    _sleep_until(window[0])
    cpu_before = (
        server.cpu_seconds() if server else 0.0,
        redis_cpu() if redis_cpu else 0.0,
        machine_busy_seconds(),
    )
    _sleep_until(window[1])
    cpu_after = (
        server.cpu_seconds() if server else 0.0,
        redis_cpu() if redis_cpu else 0.0,
        machine_busy_seconds(),
    )

    result = LoadResult(label, clients, duration, array("d"), Counter(), Counter())
    for receive, proc in zip(pipes, procs, strict=True):
        if not receive.poll(60):
            raise RuntimeError(f"a load client did not report (exit code {proc.exitcode})")
        report = receive.recv()
        proc.join(10)
        result.latencies.frombytes(report["latencies"])
        result.statuses.update(report["statuses"])
        result.total_statuses.update(report["total_statuses"])
        result.accepted_ids.extend(report["ids"])
        result.new_connections += report["connections"]
        result.client_cpu += report["cpu"]
    result.server_cpu = cpu_after[0] - cpu_before[0]
    result.machine_cpu = cpu_after[2] - cpu_before[2]
    if redis_cpu:
        result.redis_cpu = cpu_after[1] - cpu_before[1]
    return result


def _sleep_until(moment: float) -> None:
    while (left := moment - time.monotonic()) > 0:
        time.sleep(min(left, 0.5))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Connection:
    """One simulated client: its socket, the request in flight, what came back so far."""

    __slots__ = ("index", "number", "sock", "out", "reply", "began", "reused", "done")

    def __init__(self, index: int):
        self.index, self.number = index, 0
        self.sock: socket.socket | None = None
        self.out = self.reply = b""
        self.began = 0.0
        self.reused = self.done = False


def _client_group(send, indices, port, request_head, make_body, start_at, window, max_requests):
    """Several clients in one process, multiplexed with epoll; reports through ``send``.

    Each connection is a closed loop: its next request goes out as soon as its
    previous answer is complete.
    """
    address = (LOOPBACK, port)
    now = time.monotonic
    selector = selectors.DefaultSelector()
    latencies = array("d")
    statuses: Counter = Counter()
    total: Counter = Counter()
    ids: list[str] = []
    opened = 0
    cpu_in = cpu_out = None

    def start(conn: _Connection) -> None:
        nonlocal opened
        began = now()
        if began >= window[1] or conn.number >= max_requests:
            conn.done = True
            close(conn)
            return
        body = make_body(conn.index, conn.number)
        conn.number += 1
        conn.out = request_head + str(len(body)).encode() + b"\r\n\r\n" + body
        conn.reply, conn.began = b"", began
        if conn.sock is None:
            conn.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.sock.setblocking(False)
            conn.sock.connect_ex(address)
            opened += 1
            conn.reused = False
            selector.register(conn.sock, selectors.EVENT_WRITE, conn)
        else:
            conn.reused = True
            selector.modify(conn.sock, selectors.EVENT_WRITE, conn)

    def close(conn: _Connection) -> None:
        if conn.sock is not None:
            selector.unregister(conn.sock)
            conn.sock.close()
            conn.sock = None

    def finish(conn: _Connection, status, keep: bool) -> None:
        finished = now()
        total[status] += 1
        if status == 202 and (match := _ID_RE.search(conn.reply)):
            ids.append(match.group(1).decode())
        if conn.began >= window[0] and finished <= window[1]:
            latencies.append(finished - conn.began)
            statuses[status] += 1
        if not keep:
            close(conn)
        start(conn)

    def failed(conn: _Connection) -> None:
        # A kept-alive connection the server closed meanwhile: send the same
        # request again on a new one. Anything else is an error.
        retry = conn.reused and not conn.reply
        close(conn)
        if retry:
            conn.number -= 1
            start(conn)
        else:
            finish(conn, "connection error", keep=False)

    connections = [_Connection(index) for index in indices]
    _sleep_until(start_at)
    for conn in connections:
        start(conn)
    checked = now()
    while not all(conn.done for conn in connections):
        moment = now()
        if cpu_in is None and moment >= window[0]:
            cpu_in = _cpu()
        if cpu_out is None and moment >= window[1]:
            cpu_out = _cpu()
        for key, events in selector.select(timeout=0.5):
            conn = key.data
            try:
                if events & selectors.EVENT_WRITE:
                    sent = conn.sock.send(conn.out)
                    conn.out = conn.out[sent:]
                    if not conn.out:
                        selector.modify(conn.sock, selectors.EVENT_READ, conn)
                    continue
                chunk = conn.sock.recv(65536)
            except OSError:
                failed(conn)
                continue
            if not chunk:
                failed(conn)
                continue
            conn.reply += chunk
            parsed = _parse_response(conn.reply)
            if parsed is not None:
                status, keep, body = parsed
                conn.reply = body
                finish(conn, status, keep)
        if moment - checked > 1:  # a server that never answers: give up after 30 s
            checked = moment
            for conn in connections:
                if conn.sock is not None and moment - conn.began > 30:
                    close(conn)
                    finish(conn, "timeout", keep=False)
    cpu_in = cpu_in if cpu_in is not None else _cpu()
    cpu_out = cpu_out if cpu_out is not None else _cpu()
    send.send(
        {
            "latencies": latencies.tobytes(),
            "statuses": statuses,
            "total_statuses": total,
            "ids": ids,
            "connections": opened,
            "cpu": cpu_out - cpu_in,
        }
    )
    send.close()


def _parse_response(data: bytes) -> tuple[int, bool, bytes] | None:
    """(status, keep-alive?, body) once ``data`` holds a whole response, else None.

    Responses carry a Content-Length (Flask's do); without one, the body runs to
    the end of the connection, which this client does not wait for.
    """
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = data[:end].split(b"\r\n")
    keep = lines[0].startswith(b"HTTP/1.1")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            keep = value.strip().lower() != b"close"
    body = data[end + 4 :]
    if len(body) < length:
        return None
    return int(lines[0][9:12]), keep, body
