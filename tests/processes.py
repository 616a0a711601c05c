"""Parts that fail on purpose, for the fault tests and the drill (bench/faults.py).

Each is the test's own: a Redis server on a free port, a TCP relay in front of
PostgreSQL that can cut the app's connections and refuse new ones, and a gunicorn
serving the site. Never the machine's shared Redis or PostgreSQL processes themselves.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{check} did not hold within {timeout} s")
        time.sleep(interval)


class OwnRedis:
    """A redis-server of our own that can be stopped, paused and resumed."""

    def __init__(self):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--protected-mode", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers)
        return self

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self):
        """SIGSTOP: connections are accepted by the kernel, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


class Relay:
    """A TCP relay to `target`: `cut()` ends every connection through it and refuses
    new ones (the database, as the app sees it, is unreachable); `restore()` lets
    connections through again."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.open = True
        self._pairs = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while self._running:
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def restore(self):
        self.open = True

    def close(self):
        self._running = False
        self.cut()
        self._listener.close()


class Browser:
    """Cookies and CSRF, kept across requests to any instance of the same site. Every
    request names the site as `localhost`, as a proxy in front of several machines
    would pass one public host name to all of them."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Host", "localhost")]

    def get(self, url):
        try:
            with self.opener.open(url, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()

    def post_form(self, url, fields, action=None):
        """Open the page at `url`, then post its CSRF token and `fields` to `action`
        (the page itself by default), as a browser submitting its form would."""
        _status, _url, page = self.get(url)
        return self.post(url, self.token(page), fields, action)

    @staticmethod
    def token(page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def post(self, url, token, fields, action=None):
        """Post `fields` with a CSRF token read earlier from the page at `url`."""
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(  # noqa: S310 -- loopback http only
            action or url, data=data, headers={"Referer": url, "Host": "localhost"}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()


class Site:
    """gunicorn serving the site with `environment` on a free port."""

    def __init__(self, environment, workers=1):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentoring_hub.settings_test",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "ACCESS_LOG": "0",
            "LOG_LEVEL": "ERROR",
            **environment,
        }
        self.process = subprocess.Popen(
            [
                Path(sys.executable).parent / "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "mentoring_hub.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self.get("/healthz")[0] in (200, 503), timeout=30, interval=0.2)

    def get(self, path, timeout=5, data=None, headers=None):
        """(status, headers, body) of a request; (0, {}, b"") when nothing answered."""
        request = urllib.request.Request(  # noqa: S310 -- loopback http only
            self.base + path, data=data, headers={"Host": "localhost", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
        except OSError:
            return 0, {}, b""

    def stop(self):
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        self.process.wait(timeout=30)
