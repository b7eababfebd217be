"""Headless Firefox driven over WebDriver BiDi: just enough of the protocol for moqi's pages.

Playwright cannot drive Debian's Firefox (it needs its own patched build), but Firefox speaks
the W3C WebDriver BiDi protocol itself (`--remote-debugging-port`), over a plain WebSocket.
We start it with a throwaway profile and talk to it with the `websockets` package.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

# Nothing outside this machine is reachable from the tests: keep Firefox from trying at
# start-up, and ask for Chinese pages like the Chromium contexts do (locale zh-CN).
PREFS = {
    "intl.accept_languages": "zh-CN, zh",
    "browser.shell.checkDefaultBrowser": False,
    "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "extensions.update.enabled": False,
}
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")


class BidiError(RuntimeError):
    """Firefox answered a command with an error, or a script threw."""


class Firefox:
    """One BiDi session: sends commands, keeps the log entries (JS errors) that arrive between."""

    def __init__(self, ws: ClientConnection, timeout: float) -> None:
        self._ws = ws
        self._timeout = timeout
        self._next_id = 0
        self.log: list[dict] = []

    def command(self, method: str, **params: Any) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        ident = self._next_id
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            try:
                message = json.loads(self._ws.recv(timeout=self._timeout))
            except TimeoutError:
                raise BidiError(f"{method}: no answer from Firefox in {self._timeout}s") from None
            if message.get("type") == "event":
                if message["method"] == "log.entryAdded":
                    self.log.append(message["params"])
            elif message.get("id") == ident:
                if message.get("type") == "error":
                    raise BidiError(f"{method}: {message['error']}: {message.get('message', '')}")
                return message["result"]

    def new_page(self, width: int = 1366, height: int = 768) -> Page:
        """A tab in its own user context (its own cookies), sized like an agent's screen."""
        user_context = self.command("browser.createUserContext")["userContext"]
        context = self.command("browsingContext.create", type="tab", userContext=user_context)[
            "context"
        ]
        self.command(
            "browsingContext.setViewport",
            context=context,
            viewport={"width": width, "height": height},
        )
        return Page(self, context)

    def close(self) -> None:
        """Close the browser; Firefox ends the session and then exits."""
        with contextlib.suppress(ConnectionClosed, BidiError):
            self.command("browser.close")


class Page:
    """One tab: navigate, run scripts, click and type like a user, take screenshots."""

    def __init__(self, browser: Firefox, context: str) -> None:
        self.browser = browser
        self.context = context

    def goto(self, url: str) -> None:
        self.browser.command(
            "browsingContext.navigate", context=self.context, url=url, wait="complete"
        )

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (awaited when it is a promise)."""
        wrapped = f"(async () => JSON.stringify((await ({expression})) ?? null))()"
        result = self.browser.command(
            "script.evaluate",
            expression=wrapped,
            target={"context": self.context},
            awaitPromise=True,
            resultOwnership="none",
        )
        if result["type"] == "exception":
            raise BidiError(f"{expression}: {result['exceptionDetails']['text']}")
        return json.loads(result["result"]["value"])

    def wait_for(self, expression: str, timeout: float = 15.0) -> None:
        """Poll a JavaScript expression until it is truthy (in JavaScript's sense).

        Errors while a navigation replaces the document are retried until the deadline."""
        deadline = time.monotonic() + timeout
        last: bool | BidiError = False
        while time.monotonic() < deadline:
            try:
                last = self.evaluate(f"Boolean({expression})")
            except BidiError as exc:
                last = exc
            if last is True:
                return
            time.sleep(0.05)
        raise AssertionError(
            f"timed out after {timeout}s waiting for {expression} (last: {last!r})"
        )

    def count(self, selector: str) -> int:
        return self.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length")

    def text(self, selector: str) -> str:
        return self.evaluate(f"document.querySelector({json.dumps(selector)}).innerText")

    def _element(self, selector: str) -> dict:
        """The element scrolled to the middle of its scroll containers, as a BiDi reference."""
        self.evaluate(
            f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})"
        )
        nodes = self.browser.command(
            "browsingContext.locateNodes",
            context=self.context,
            locator={"type": "css", "value": selector},
            maxNodeCount=1,
        )["nodes"]
        if not nodes:
            raise BidiError(f"no element matches {selector}")
        return {"sharedId": nodes[0]["sharedId"]}

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        element = self._element(selector)
        mouse = [
            {
                "type": "pointerMove",
                "x": 0,
                "y": 0,
                "origin": {"type": "element", "element": element},
            },
            {"type": "pointerDown", "button": 0},
            {"type": "pointerUp", "button": 0},
        ]
        self.browser.command(
            "input.performActions",
            context=self.context,
            actions=[
                {
                    "type": "pointer",
                    "id": "mouse",
                    "parameters": {"pointerType": "mouse"},
                    "actions": mouse,
                }
            ],
        )

    def type(self, selector: str, text: str) -> None:
        """Click into a field and type the text key by key (Chinese characters included)."""
        self.click(selector)
        keys = [
            action
            for ch in text
            for action in ({"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch})
        ]
        self.browser.command(
            "input.performActions",
            context=self.context,
            actions=[{"type": "key", "id": "keyboard", "actions": keys}],
        )

    def select(self, selector: str, value: str) -> None:
        """Choose an option of a <select> as a user would, change event included."""
        select = f"document.querySelector({json.dumps(selector)})"
        chosen = self.evaluate(
            f"(() => {{ const s = {select}; s.value = {json.dumps(value)};"
            " s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()"
        )
        if chosen != value:
            raise BidiError(f"{selector} has no option {value!r}")

    def cookie(self, name: str) -> str | None:
        cookies = self.browser.command(
            "storage.getCookies",
            filter={"name": name},
            partition={"type": "context", "context": self.context},
        )["cookies"]
        return cookies[0]["value"]["value"] if cookies else None

    def errors(self) -> list[str]:
        """Uncaught exceptions, unhandled rejections and console.error calls seen in this tab."""
        return [
            f"{e['type']}: {e.get('text')}"
            for e in self.browser.log
            if e["level"] == "error" and e["source"].get("context") == self.context
        ]

    def screenshot(self, path: Path) -> None:
        data = self.browser.command("browsingContext.captureScreenshot", context=self.context)[
            "data"
        ]
        path.write_bytes(base64.b64decode(data))


def _endpoint(log: Path, proc: subprocess.Popen, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text(errors="replace"))
        if found:
            return found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(
        f"Firefox did not open WebDriver BiDi (exit {proc.poll()}): {log.read_text(errors='replace')[-2000:]}"
    )


@contextlib.contextmanager
def launch(binary: str, profile: Path, timeout: float = 30.0) -> Iterator[Firefox]:
    """Start headless Firefox on an empty profile directory; stop it when the block ends."""
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "user.js").write_text(
        "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFS.items())
    )
    log = profile / "firefox-output.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-remote",
                "--profile",
                str(profile),
                "--remote-debugging-port",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        with connect(
            _endpoint(log, proc, timeout) + "/session", max_size=None, open_timeout=timeout
        ) as ws:
            browser = Firefox(ws, timeout)
            try:
                browser.command("session.new", capabilities={})
                browser.command("session.subscribe", events=["log.entryAdded"])
                yield browser
            finally:
                browser.close()
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
