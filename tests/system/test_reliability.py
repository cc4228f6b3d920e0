"""Stays up on the public internet: slow clients, query floods, fair shares, clean stops, bodies
over the limit, builds that race, are killed or run out of disk.

Each test starts its own small server on 127.0.0.1 (one worker, short limits) and ends it by
its process group. Client timeouts bound every wait; none of them is a speed goal (those are in
``bench/``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from lisgraph import BuildResult
from lisgraph.artifact import BuildDir

from ..helpers import PROJECT_DIR, run_lisgraph, session_pids, start_server, stop_server

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?p }"
SMALL = {
    "LISGRAPH_QUERY_TIMEOUT": "3",
    "LISGRAPH_HEADER_TIMEOUT": "2",
    "LISGRAPH_WORKER_THREADS": "4",
    "LISGRAPH_QUERY_PROCESSES": "1",
    "LISGRAPH_QUERY_QUEUE": "1",
    "LISGRAPH_QUERY_QUEUE_WAIT": "1",
    "LISGRAPH_CLIENT_QUERIES": "1",
    "LISGRAPH_CLIENT_QUEUED": "0",
    "LISGRAPH_CLIENT_BURST": "0",  # the strict share (bursts: test_admission.py)
    # No cost lanes: a waiting cheap query would make the heavy one give up its process
    # (lanes: test_admission.py, system/test_query_lanes.py)
    "LISGRAPH_HEAVY_QUERY_SECONDS": "0",
    "LISGRAPH_FORWARDED_HEADER": "X-Client",
}


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def small(built: BuildResult, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """One worker, four threads, one query process, a queue of one, short timeouts."""
    process, url = start_server(
        built.out_dir, "--workers", "1", "--no-build", env=SMALL, log=tmp_path / "serve.log"
    )
    yield url, process
    stop_server(process)


def _post_query(url: str, query: str, client: str, results: dict[str, object]) -> None:
    try:
        response = requests.post(
            url + "sparql", data={"query": query}, headers={"X-Client": client}, timeout=30
        )
        results[client] = response
    except requests.RequestException as exc:
        results[client] = exc


def test_slow_header_clients_do_not_block_anyone_and_are_timed_out(
    small: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, _ = small
    port = int(url.rsplit(":", 1)[1].strip("/"))
    slow = []
    for _ in range(64):  # 16 times the worker's threads
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        slow.append(sock)
    try:
        for _ in range(3):
            assert requests.get(url + "health", timeout=5).status_code == 200
            assert requests.get(url, timeout=5).status_code == 200
        # The server gives up on an unfinished head after HEADER_TIMEOUT (2 s): 408, then close.
        answer = slow[0].recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")
    finally:
        for sock in slow:
            sock.close()


def test_per_client_limit_429_and_full_queue_503_with_retry_after(
    small: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, _ = small
    results: dict[str, object] = {}
    running = threading.Thread(target=_post_query, args=(url, CROSS, "a", results))
    running.start()
    time.sleep(0.5)
    # The same client again: it has its one query running and may queue none.
    again = requests.post(
        url + "sparql", data={"query": "ASK {}"}, headers={"X-Client": "a"}, timeout=10
    )
    assert again.status_code == 429, again.text
    assert int(again.headers["Retry-After"]) >= 1
    # Another client waits in the queue (of one) and gives up after QUERY_QUEUE_WAIT: 503.
    waiting = threading.Thread(target=_post_query, args=(url, "ASK {}", "b", results))
    waiting.start()
    time.sleep(0.2)
    full = requests.post(
        url + "sparql", data={"query": "ASK {}"}, headers={"X-Client": "c"}, timeout=10
    )
    assert full.status_code == 503 and int(full.headers["Retry-After"]) >= 1, full.text
    # Pages and /health never wait behind queries.
    assert requests.get(url + "health", timeout=5).status_code == 200
    waiting.join(30)
    running.join(30)
    queued = results["b"]
    assert isinstance(queued, requests.Response) and queued.status_code == 503
    assert "Retry-After" in queued.headers
    first = results["a"]
    assert isinstance(first, requests.Response) and first.status_code == 503
    assert "limit of 3 seconds" in first.text
    # Once the flood is over, everyone is served again.
    ok = requests.post(url + "sparql", data={"query": "ASK {}"}, headers={"X-Client": "a"})
    assert ok.status_code == 200


def test_an_8_mb_post_from_urllib_reads_413(small: tuple[str, subprocess.Popen[bytes]]) -> None:
    url, _ = small
    body = b"query=" + b"x" * (8 * 1024 * 1024)
    request = urllib.request.Request(
        url + "sparql", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=30)
    assert caught.value.code == 413
    assert b"most this server accepts" in caught.value.read()


def test_chunked_bodies_count_against_the_limit_and_long_get_queries_work(
    small: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, _ = small

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"#" * 65536

    response = requests.post(
        url + "sparql",
        data=chunks(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert response.status_code == 413
    small_chunked = requests.post(
        url + "sparql",
        data=iter([b"ASK {", b"}"]),
        headers={"Content-Type": "application/sparql-query", "X-Client": "chunked"},
        timeout=30,
    )
    assert small_chunked.status_code == 200, small_chunked.text
    long_get = "ASK {} #" + "x" * 20_000
    answer = requests.get(
        url + "sparql", params={"query": long_get}, headers={"X-Client": "get"}, timeout=30
    )
    assert answer.status_code == 200, answer.text


def test_graceful_stop_answers_the_running_query_and_leaves_nothing(
    built: BuildResult, tmp_path: Path
) -> None:
    process, url = start_server(
        built.out_dir, "--workers", "1", "--no-build", env=SMALL, log=tmp_path / "serve.log"
    )
    port = int(url.rsplit(":", 1)[1].strip("/"))
    results: dict[str, object] = {}
    try:
        query = threading.Thread(target=_post_query, args=(url, CROSS, "a", results))
        query.start()
        time.sleep(0.5)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        query.join(30)
    finally:
        stop_server(process)
    answer = results["a"]
    assert isinstance(answer, requests.Response) and answer.status_code == 503
    assert session_pids(process.pid) == []
    assert _port_is_free(port)
    # Restarting on the same port works at once.
    again = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lisgraph",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--build",
            str(built.out_dir),
            "--no-build",
            "--workers",
            "1",
        ],
        env={**os.environ, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and again.poll() is None:
            try:
                status = requests.get(url + "health", timeout=2).status_code
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert status == 200
    finally:
        stop_server(again)


def test_a_stop_frees_the_port_at_once_and_cancels_a_long_query_after_its_grace(
    built: BuildResult, tmp_path: Path
) -> None:
    """SIGTERM with a query that may run 30 s: the port is let go while the query still runs
    (a new server could start), and the query is answered 503 "stopping" after STOP_GRACE,
    not at its time limit; nothing is left."""
    env = {**SMALL, "LISGRAPH_QUERY_TIMEOUT": "30", "LISGRAPH_STOP_GRACE": "6"}
    process, url = start_server(
        built.out_dir, "--workers", "2", "--no-build", env=env, log=tmp_path / "serve.log"
    )
    port = int(url.rsplit(":", 1)[1].strip("/"))
    results: dict[str, object] = {}
    query = threading.Thread(target=_post_query, args=(url, CROSS, "a", results))
    try:
        query.start()
        time.sleep(1.0)  # running, or waiting for a process: either way it is cancelled
        os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while not _port_is_free(port):
            assert time.monotonic() < deadline, "the port was never let go"
            time.sleep(0.1)
        assert query.is_alive()  # the port is free while the query is still being answered
        process.wait(timeout=30)
        query.join(30)
    finally:
        stop_server(process)
    answer = results["a"]
    assert isinstance(answer, requests.Response), answer
    assert answer.status_code == 503 and "stopping" in answer.text, answer.text
    assert "Retry-After" in answer.headers
    assert session_pids(process.pid) == []


def test_a_killed_worker_leaves_no_query_process_and_the_client_is_answered(
    small: tuple[str, subprocess.Popen[bytes]],
) -> None:
    url, process = small
    results: dict[str, object] = {}
    query = threading.Thread(target=_post_query, args=(url, CROSS, "a", results))
    query.start()
    time.sleep(1.0)
    (worker,) = _children(process.pid)
    query_processes = _children(worker)
    assert query_processes
    os.kill(worker, signal.SIGKILL)
    query.join(20)
    assert not query.is_alive()  # answered or reset, not left hanging
    time.sleep(1.0)
    for pid in query_processes:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
    # A new worker takes over.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    assert requests.get(url + "health", timeout=5).status_code == 200


# Builds


def _builds(out: Path) -> list[Path]:
    return sorted(p for p in (out.parent / f".{out.name}.builds").iterdir() if p.is_dir())


def test_three_concurrent_builds_take_turns(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "lisgraph", "build", "--out", str(out)],
            env={**os.environ, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert not any("Traceback" in err for _, err in outputs)
    assert BuildDir(out).is_complete()
    assert len(_builds(out)) <= 2


def test_prune_removes_a_killed_build_and_keeps_the_published_ones(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run_lisgraph("build", "--out", str(out)).returncode == 0
    first = Path(os.path.realpath(out))
    # A build killed mid-way: a directory without build.json, newer than the published one.
    killed = first.parent / "449966b64707-killed"
    shutil.copytree(first, killed)
    (killed / "build.json").unlink()
    assert run_lisgraph("build", "--out", str(out)).returncode == 0
    second = Path(os.path.realpath(out))
    names = {p.name for p in _builds(out)}
    assert killed.name not in names
    assert names == {first.name, second.name}
    assert BuildDir(first).is_complete() and BuildDir(second).is_complete()


def test_a_build_killed_mid_way_leaves_the_published_build_served(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert run_lisgraph("build", "--out", str(out)).returncode == 0
    published = Path(os.path.realpath(out))
    run = subprocess.Popen(
        [sys.executable, "-m", "lisgraph", "build", "--out", str(out)],
        env={**os.environ, "LISGRAPH_PROJECT_DIR": str(PROJECT_DIR)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)
    run.kill()
    run.wait()
    assert BuildDir(out).is_complete()
    assert run_lisgraph("build", "--out", str(out)).returncode == 0
    for path in _builds(out):
        assert BuildDir(path).is_complete(), path
    assert published.exists() or Path(os.path.realpath(out)) != published


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="needs root to mount")
def test_a_full_disk_is_one_line_exit_2_and_the_served_build_stays(tmp_path: Path) -> None:
    sized = tmp_path / "sized"
    assert run_lisgraph("build", "--out", str(sized)).returncode == 0
    size = sum(p.stat().st_size for p in Path(os.path.realpath(sized)).iterdir())
    # room for one build and a half: the first build fits, a second cannot
    mount = tmp_path / "small"
    mount.mkdir()
    room = f"size={size * 3 // 2 // 1024 + 64}k"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", room, "tmpfs", str(mount)])
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = mount / "dist"
        assert run_lisgraph("build", "--out", str(out)).returncode == 0
        served = Path(os.path.realpath(out))
        before = sorted(p.name for p in served.iterdir())
        other_base = {"LISGRAPH_BASE_IRI": "https://example.org/x/"}
        failed = run_lisgraph("build", "--out", str(out), env=other_base)
        assert failed.returncode == 2
        lines = failed.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lisgraph: Cannot write the build at ")
        assert "No space left on device" in lines[0] and str(mount) in lines[0]
        assert Path(os.path.realpath(out)) == served
        assert sorted(p.name for p in served.iterdir()) == before
        assert BuildDir(out).is_complete()
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_read_only_target_is_one_line_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: use a read-only mount
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)])
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
    else:
        target.chmod(0o555)
    try:
        failed = run_lisgraph("build", "--out", str(target / "dist"))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(target)], check=False)
        else:
            target.chmod(0o755)
    assert failed.returncode == 2, failed.stderr
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lisgraph: Cannot write the build at ")
    assert str(target) in lines[0]


def test_a_worker_makes_the_build_pages_before_anyone_asks(
    small: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    """The worker's warmer asks the whole-build pages itself at start (the access log names
    it), so a visitor's first request for them is answered from the page cache."""
    wanted = {"/", "/sitemap.xml", "/.well-known/void", "/catalog", "/id/", "/doc/"}
    warmed: set[str] = set()
    for _ in range(1200):  # a bound, not a timing: the warmer takes 30 s at load 18
        for line in (tmp_path / "serve.log").read_text().splitlines():
            if line.startswith("{") and '"lisgraph-page-warmer"' in line:
                record = json.loads(line)
                if record["status"] == 200:
                    warmed.add(record["path"])
        if wanted <= warmed:
            break
        time.sleep(0.1)
    assert wanted <= warmed, sorted(warmed)
