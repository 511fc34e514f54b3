"""Open a report in headless Chromium and record what a reader's browser would do with it.

Talks the DevTools protocol over `--remote-debugging-pipe` (file descriptors 3 and 4,
NUL-separated JSON), so it needs nothing beyond the standard library and a `chromium`
binary: no webdriver, no websocket package. Used by the browser tests (a report must load
with no console errors and no network requests) and by `python -m reports.screenshot`.

Why not Playwright: it would add a Node driver (~100 MB) to the test extra to do the three
things needed here (load a file, listen to console and network events, take a screenshot), and
its launcher still needs the system Chromium. The failure modes this client handles instead:
no Chromium (BrowserError naming the package to install); Chromium not answering or exiting
(every read has a deadline; the process is closed, then killed, in `finally`); a page that never
fires its load event (BrowserError with the URL); requests a page starts after its load event
(events are drained for `settle` seconds after load — a fixed wait, because a self-contained
report has nothing left to fetch, so any late request is itself the failure to catch); Chromium's
own background connections (switched off by `LAUNCH_FLAGS`, so every request seen is the
page's). The pipe ends are put on fds 3 and 4 by `preexec_fn` (`pass_fds` keeps descriptors open
but cannot renumber them, and the protocol insists on 3 and 4).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Flags that keep Chromium from phoning home on its own, so every request we see comes from the
# page.
LAUNCH_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
    "--remote-debugging-pipe",
)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome")


class BrowserError(RuntimeError):
    """Chromium could not be started or stopped answering."""


def find_chromium() -> str | None:
    """Path of a Chromium binary ($CHROMIUM, then the usual names on PATH), or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else shutil.which(explicit)
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLoad:
    """What happened while a page loaded: console messages, errors, requests, and the page
    itself."""

    url: str
    console: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    title: str = ""
    svg_count: int = 0
    body_text: str = ""
    scroll_width: int = 0
    viewport_width: int = 0
    screenshot: bytes | None = None

    @property
    def other_requests(self) -> list[str]:
        """Requests other than the page itself (a self-contained report makes none)."""
        return [r for r in self.requests if r != self.url]


class _Pipe:
    """The DevTools protocol over a pair of pipes: send a command, wait for its answer, keep
    events."""

    def __init__(
        self, write_fd: int, read_fd: int, process: subprocess.Popen[bytes], timeout: float
    ) -> None:
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.process = process
        self.timeout = timeout
        self.buffer = b""
        self.events: list[dict[str, Any]] = []
        self.next_id = 0

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, seconds: float) -> bool:
        """Read events until `method` arrives (True) or `seconds` pass (False)."""
        deadline = time.monotonic() + seconds
        if any(e.get("method") == method for e in self.events):
            return True
        while time.monotonic() < deadline:
            event = self._read(deadline - time.monotonic())
            if event:
                self.events.append(event)
                if event.get("method") == method:
                    return True
        return False

    def drain(self, seconds: float) -> None:
        """Collect the events that arrive within `seconds` (late console messages, late
        requests)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            event = self._read(deadline - time.monotonic())
            if event:
                self.events.append(event)

    def _read(self, seconds: float | None = None) -> dict[str, Any]:
        import select

        deadline = time.monotonic() + (self.timeout if seconds is None else max(seconds, 0.0))
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                if seconds is not None:
                    return {}
                raise BrowserError(f"Chromium did not answer within {self.timeout:g} s")
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium exited (code {self.process.poll()})")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(message))


def load_page(
    html: str | Path,
    *,
    width: int = 1366,
    height: int = 900,
    screenshot: bool = False,
    max_height: int | None = None,
    media: str | None = None,
    timeout: float = 60.0,
    settle: float = 0.5,
) -> PageLoad:
    """Load a local HTML file at a laptop-sized viewport and report console output and requests.

    With `screenshot`, also capture the page as PNG bytes: all of it, or its top `max_height`
    pixels. `media="print"` lays the page out with its print stylesheet.
    """
    binary = find_chromium()
    if binary is None:
        raise BrowserError("no Chromium found (install Debian's `chromium`, or set $CHROMIUM)")
    url = Path(html).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="kantokuen-chromium-") as profile:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def wire_pipes() -> None:
            # The protocol reads commands on fd 3 and writes answers on fd 4; lift both ends
            # above 4 first so that neither dup2 overwrites the other.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        process = subprocess.Popen(
            [
                binary,
                *LAUNCH_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=wire_pipes,
            close_fds=False,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        pipe = _Pipe(to_child_w, from_child_r, process, timeout)
        try:
            return _visit(pipe, url, width, height, screenshot, max_height, media, settle)
        finally:
            with contextlib.suppress(BrowserError, OSError):
                pipe.send("Browser.close")
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(to_child_w)
            os.close(from_child_r)


def _visit(
    pipe: _Pipe,
    url: str,
    width: int,
    height: int,
    screenshot: bool,
    max_height: int | None,
    media: str | None,
    settle: float,
) -> PageLoad:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    if media:
        pipe.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
    pipe.events.clear()
    pipe.send("Page.navigate", {"url": url}, session=session)
    if not pipe.wait_for("Page.loadEventFired", pipe.timeout):
        raise BrowserError(f"{url} did not finish loading within {pipe.timeout:g} s")
    pipe.drain(settle)
    page = PageLoad(url)
    _record_events(page, pipe.events)
    facts = pipe.send(
        "Runtime.evaluate", {"expression": _FACTS_JS, "returnByValue": True}, session=session
    )
    value = facts.get("result", {}).get("value", {})
    page.title = value.get("title", "")
    page.svg_count = int(value.get("svgs", 0))
    page.body_text = value.get("text", "")
    page.scroll_width = int(value.get("scrollWidth", 0))
    page.viewport_width = int(value.get("innerWidth", 0))
    if screenshot:
        full = int(value.get("scrollHeight", height))
        clip = {"x": 0, "y": 0, "width": width, "height": min(full, max_height or full), "scale": 1}
        shot = pipe.send(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
            session=session,
        )
        page.screenshot = base64.b64decode(shot["data"])
    return page


# Runs in the page after loading; the report itself needs no script, this only reads the result.
_FACTS_JS = """({title: document.title, svgs: document.querySelectorAll('svg').length,
 text: document.body ? document.body.innerText : '',
 scrollWidth: document.documentElement.scrollWidth,
 scrollHeight: document.documentElement.scrollHeight,
 innerWidth: window.innerWidth})"""


def _record_events(page: PageLoad, events: list[dict[str, Any]]) -> None:
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            page.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(
                str(a.get("value", a.get("description", ""))) for a in params.get("args", [])
            )
            page.console.append({"level": params.get("type"), "text": text})
            if params.get("type") in ("error", "assert"):
                page.errors.append(f"console.{params.get('type')}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            page.errors.append(
                "exception: "
                f"{details.get('exception', {}).get('description') or details.get('text')}"
            )
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            page.console.append({"level": entry.get("level"), "text": entry.get("text", "")})
            if entry.get("level") == "error":
                page.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Network.loadingFailed":
            page.errors.append(f"request failed: {params.get('errorText')}")
