"""kg.viz pages in a real browser: headless Chromium draws them offline, with no errors, and runs no injected script.

Chromium is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``), so
the test needs no Python package beyond the standard library. Debian's ``chromium`` package is
what ``.ci/run`` installs; where no Chromium can be found the tests skip and say so.
"""

# ruff: noqa: N806  (networkx's convention: a graph is `G`)
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.analyze import event_graph
from kg.rdf import to_graph
from kg.store import replace
from kg.viz import STYLES, inline_html, render, write_html

pytestmark = pytest.mark.browser

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--mute-audio",
)
WIDTH, HEIGHT = 1280, 820
LOCAL_SCHEMES = ("file:", "data:", "about:")


def _find_chromium() -> str | None:
    env = os.environ.get("KG_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


class Chromium:
    """A headless Chromium spoken to over the DevTools protocol through fds 3 and 4."""

    def __init__(self, exe: str, profile: Path) -> None:
        to_child, self._out = os.pipe()
        self._in, from_child = os.pipe()
        # park the child's ends above 10, so moving them onto 3 and 4 cannot clobber one another
        high_in, high_out = fcntl.fcntl(to_child, fcntl.F_DUPFD, 10), fcntl.fcntl(from_child, fcntl.F_DUPFD, 10)
        os.close(to_child)
        os.close(from_child)

        def wire() -> None:  # runs in the child, before exec
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        args = [exe, *FLAGS, f"--window-size={WIDTH},{HEIGHT}", f"--user-data-dir={profile}"]
        args += ["--remote-debugging-pipe", "about:blank"]
        self.proc = subprocess.Popen(
            args, preexec_fn=wire, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        os.close(high_in)
        os.close(high_out)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, timeout: float) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium sent nothing in time")
            if select.select([self._in], [], [], left)[0]:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                    raise RuntimeError(f"Chromium closed the DevTools pipe:\n{err[-2000:]}")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self._id += 1
        mid = self._id
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._out, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == mid:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, msg: dict[str, Any]) -> None:
        if "method" not in msg:  # the reply to a command sent by _event itself
            return
        self.events.append(msg)
        if msg.get("method") == "Page.javascriptDialogOpening":  # never leave a page blocked on a dialog
            self._id += 1
            out = {"id": self._id, "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}
            os.write(self._out, json.dumps(out | {"sessionId": msg["sessionId"]}).encode() + b"\0")

    def pump(self, seconds: float) -> None:
        """Collect events for a while."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            try:
                self._event(self._read(left))
            except TimeoutError:
                return

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        for fd in (self._in, self._out):
            os.close(fd)


class Tab:
    """One page: load a URL, evaluate JavaScript, screenshot, and what it logged and asked for."""

    def __init__(self, browser: Chromium) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.first_event = len(browser.events)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1,
                                                          "mobile": False})  # fmt: skip

    def call(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        return self.browser.call(method, params, self.session, timeout)

    def eval(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, ready: str = "window.kgReady === true", timeout: float = 120) -> float:
        """Load `url` and wait until `ready` is true; return the seconds it took."""
        start = time.monotonic()
        self.call("Page.navigate", {"url": url})
        while not self.eval(ready):
            if time.monotonic() - start > timeout:
                raise TimeoutError(f"{url} did not get ready in {timeout} s; page said: {self.problems()}")
            self.browser.pump(0.1)
        return time.monotonic() - start

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"screenshot: {path}")
        return path

    def mine(self) -> list[dict[str, Any]]:
        return [e for e in self.browser.events[self.first_event :] if e.get("sessionId") == self.session]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.mine() if e["method"] == "Network.requestWillBeSent"]

    def dialogs(self) -> list[str]:
        return [e["params"]["message"] for e in self.mine() if e["method"] == "Page.javascriptDialogOpening"]

    def problems(self) -> list[str]:
        """Errors the page logged: uncaught exceptions, console.error, failed loads."""
        out = []
        for e in self.mine():
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.exceptionThrown":
                out.append("exception: " + p["exceptionDetails"].get("exception", {}).get("description", str(p)))
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
            elif m == "Network.loadingFailed":
                out.append(f"network: {p.get('errorText')}")
        return out

    def close(self) -> None:
        self.browser.call("Target.closeTarget", {"targetId": self._target()})

    def _target(self) -> str:
        info = self.call("Target.getTargetInfo")
        return info["targetInfo"]["targetId"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[Chromium]:
    exe = _find_chromium()
    if exe is None:
        pytest.skip(
            "no Chromium found (looked for chromium, chromium-browser, google-chrome, or $KG_CHROMIUM); "
            "install Debian's package with 'apt-get install -y chromium', as .ci/run does where apt is available"
        )
    chromium = Chromium(exe, tmp_path_factory.mktemp("chromium-profile"))
    try:
        chromium.call("Browser.getVersion", timeout=60)
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def tab(browser) -> Iterator[Tab]:
    page = Tab(browser)
    yield page
    page.close()


# JavaScript that measures what the network canvas drew: pixels with ink, and pixels of given colours.
CANVAS = """(() => {
  const c = %(doc)s.querySelector('#kg-network canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const want = %(colours)s.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
  const hits = want.map(() => 0);
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 200) continue;
    if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++;
    want.forEach((w, k) => { if (Math.abs(d[i] - w[0]) + Math.abs(d[i + 1] - w[1]) + Math.abs(d[i + 2] - w[2]) < 12) hits[k]++; });
  }
  return {width: c.width, height: c.height, ink: ink, hits: hits};
})()"""


def _canvas(tab: Tab, colours: list[str], doc: str = "document") -> dict[str, Any]:
    return tab.eval(CANVAS % {"doc": doc, "colours": json.dumps(colours)})


def _assert_clean(tab: Tab) -> None:
    assert tab.problems() == [], "the page logged errors"
    outside = [u for u in tab.requests() if not u.startswith(LOCAL_SCHEMES)]
    assert outside == [], "the page asked for something outside file://"
    assert tab.dialogs() == [], "a script injected through article text ran"


@pytest.fixture
def hostile_page(tmp_path, network_dataset, hostile_extraction) -> Path:
    replace(network_dataset, to_graph(hostile_extraction))
    path = tmp_path / "graph.html"
    write_html(event_graph(network_dataset), path, title="Events <script>alert('title')</script>")
    return path


def test_viz_browser_draws_offline_without_errors(tab, hostile_page, tmp_path):
    seconds = tab.open(hostile_page.as_uri())
    tab.browser.pump(0.5)  # let anything late (an onerror, a lazy request) happen
    shot = tab.screenshot(tmp_path / "graph.png")
    colours = [STYLES[k][0] for k in ("Firm", "Lawsuit", "Acquisition", "Country")]
    drawn = _canvas(tab, colours)
    print(f"ready in {seconds:.2f} s; canvas {drawn}")
    assert drawn["width"] > 600 and drawn["height"] > 400
    assert drawn["ink"] > 0.01 * drawn["width"] * drawn["height"], "the network canvas is blank"
    assert all(h > 30 for h in drawn["hits"]), f"a class colour is missing from the drawing: {drawn['hits']}"
    legend = tab.eval("document.getElementById('kg-legend').innerText")
    assert "Firm" in legend and "Lawsuit" in legend
    assert tab.eval("document.title") == "Events <script>alert('title')</script>"
    assert tab.eval("document.querySelectorAll('script').length") == 3
    assert tab.eval("document.querySelectorAll('img, b, iframe').length") == 0
    assert tab.requests() == [hostile_page.as_uri()]
    _assert_clean(tab)
    assert shot.stat().st_size > 10_000


def test_viz_browser_tooltip_shows_hostile_text_as_text(tab, hostile_page, tmp_path):
    tab.open(hostile_page.as_uri())
    node = tab.eval(
        "JSON.parse(document.getElementById('kg-data').textContent).nodes"
        ".find(n => n.group === 'Lawsuit' && JSON.stringify(n).includes('alert')).id"
    )
    x, y = tab.eval(
        f"(() => {{ kgNetwork.focus({node}, {{scale: 1.3, animation: false}});"
        f" const p = kgNetwork.canvasToDOM(kgNetwork.getPosition({node}));"
        " const r = document.getElementById('kg-network').getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y]; })()"
    )
    for dx in (8, 0):  # move onto the node so vis-network sees a hover
        tab.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x + dx, "y": y})
        tab.browser.pump(0.4)
    tip = tab.eval(
        "(() => { const t = document.querySelector('div.vis-tooltip');"
        " return t && {visible: getComputedStyle(t).visibility, text: t.innerText,"
        " markup: t.querySelectorAll('script, img, b').length, links: t.querySelectorAll('a').length}; })()"
    )
    tab.screenshot(tmp_path / "tooltip.png")
    assert tip is not None and tip["visible"] == "visible", "no tooltip on hover"
    assert "<script>alert(1)</script> Evil Corp sues Acme <img src=x onerror=alert(1)>" in tip["text"]
    assert "</script><script>alert(2)</script>" in tip["text"]
    assert "status: announced" in tip["text"] and "date: 2020-01-02" in tip["text"]
    assert tip["markup"] == 0 and tip["links"] == 0  # the javascript: URL is not a link
    tab.call("Input.dispatchMouseEvent", {"type": "mousePressed", "x": x, "y": y, "button": "left", "clickCount": 1})
    tab.call("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": x, "y": y, "button": "left", "clickCount": 1})
    tab.browser.pump(0.3)
    panel = tab.eval("document.getElementById('kg-panel').innerText")
    assert "Evil Corp sues Acme" in panel and "event/" in panel
    tab.browser.pump(0.5)
    _assert_clean(tab)


def test_viz_browser_panel_links_the_source_article(tab, tmp_path, small_dataset):
    path = tmp_path / "small.html"
    path.write_text(render(event_graph(small_dataset)), encoding="utf-8")
    tab.open(path.as_uri())
    href = tab.eval(
        "(() => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
        " const n = d.nodes.find(n => n.group === 'Lawsuit');"
        " document.getElementById('kg-search').value = n.label;"
        " document.getElementById('kg-search').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));"
        " const a = document.querySelector('#kg-panel a'); return a && [a.href, a.rel, a.target]; })()"
    )
    assert href == ["https://example.org/acme", "noopener noreferrer", "_blank"]
    _assert_clean(tab)


def test_viz_browser_inline_view_draws_inside_its_frame(tab, tmp_path, small_dataset):
    host = tmp_path / "notebook.html"
    host.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>notebook</title></head><body>"
        + inline_html(event_graph(small_dataset), height="500px")
        + "</body></html>",
        encoding="utf-8",
    )
    frame = "document.querySelector('iframe').contentWindow"
    tab.open(
        host.as_uri(),
        ready="(() => { const f = document.querySelector('iframe');"
        " return !!(f && f.contentWindow && f.contentWindow.kgReady === true); })()",
    )
    drawn = _canvas(tab, [STYLES["Firm"][0]], doc=f"{frame}.document")
    tab.screenshot(tmp_path / "inline.png")
    assert drawn["ink"] > 0.01 * drawn["width"] * drawn["height"] and drawn["hits"][0] > 30
    _assert_clean(tab)


def test_viz_browser_big_graph_draws_and_says_what_it_left_out(tab, tmp_path):
    G = nx.barabasi_albert_graph(3000, 2, seed=3)
    kinds = ("Firm", "Lawsuit", "Acquisition", "Country")
    nx.set_node_attributes(G, {n: {"type": kinds[n % 4], "label": f"{kinds[n % 4]} {n}"} for n in G})
    path = tmp_path / "big.html"
    view = write_html(G, path)
    assert view["nodes"] == 2000 and view["omitted_nodes"] == 1000
    seconds = tab.open(path.as_uri(), timeout=180)
    tab.screenshot(tmp_path / "big.png")
    drawn = _canvas(tab, [STYLES["Firm"][0]])
    print(f"2,000 of 3,000 nodes drawn in {seconds:.1f} s; canvas {drawn}")
    assert drawn["ink"] > 0.01 * drawn["width"] * drawn["height"]
    assert "left out 1,000 nodes" in tab.eval("document.getElementById('kg-notice').innerText")
    assert tab.eval("kgNetwork.physics.options.enabled") is False  # frozen once laid out
    _assert_clean(tab)
