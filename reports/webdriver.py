"""A small W3C WebDriver client over HTTP (python3's standard library only).

Enough to drive chromedriver for the HTML report's browser test: open a page, find
elements, click, type, read text and visibility, run a script, take a screenshot.
"""

import base64
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"  # the spec's element reference


class WebDriverError(RuntimeError):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """A chromedriver process on a loopback port and one headless Chromium session."""

    def __init__(self, chromedriver, chromium, width=1280, height=900, timeout_s=15):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [chromedriver, f"--port={self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.session = None
        try:
            self._wait_ready(timeout_s)
            options = {"binary": chromium,
                       "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                "--disable-dev-shm-usage", f"--window-size={width},{height}"]}
            caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                     "goog:chromeOptions": options}}}
            self.session = self._call("POST", "/session", caps)["sessionId"]
        except Exception:
            self.quit()
            raise

    def _wait_ready(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            time.sleep(0.1)
        raise WebDriverError(f"chromedriver not ready on port {self.port} after {timeout_s} s")

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                reply = json.load(response)
        except urllib.error.HTTPError as error:
            reply = json.load(error)
            raise WebDriverError(f"{method} {path}: {reply.get('value')}") from None
        return reply.get("value")

    def _session_call(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url):
        self._session_call("POST", "/url", {"url": url})

    def script(self, source, *args):
        return self._session_call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def find(self, css, within=None):
        path = f"/element/{within}/elements" if within else "/elements"
        found = self._session_call("POST", path, {"using": "css selector", "value": css})
        return [element[ELEMENT_KEY] for element in found]

    def find_one(self, css, within=None):
        found = self.find(css, within)
        if not found:
            raise WebDriverError(f"no element matches {css!r}")
        return found[0]

    def click(self, element):
        self._session_call("POST", f"/element/{element}/click", {})

    def type(self, element, text):
        self._session_call("POST", f"/element/{element}/value", {"text": text})

    def clear(self, element):
        self._session_call("POST", f"/element/{element}/clear", {})

    def text(self, element):
        return self._session_call("GET", f"/element/{element}/text")

    def attribute(self, element, name):
        return self._session_call("GET", f"/element/{element}/attribute/{name}")

    def displayed(self, element):
        return self._session_call("GET", f"/element/{element}/displayed")

    def screenshot(self, path):
        png = base64.b64decode(self._session_call("GET", "/screenshot"))
        with open(path, "wb") as f:
            f.write(png)

    def quit(self):
        try:
            if self.session:
                self._session_call("DELETE", "")
        except (OSError, WebDriverError):
            pass
        finally:
            self.session = None
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
