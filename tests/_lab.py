"""A real JupyterLab in a real browser, for the browser tests (tests/test_browser.py).

``JupyterLab`` starts the server of this environment on a free localhost port with a random
token, in a folder of its own and with Jupyter's config and data folders of its own (so nothing
of the user's is read or written), with the "Python 3 (tensorkit)" kernel installed there.
``Browser`` drives Debian's Chromium (``/usr/bin/chromium``) headless through Playwright, never a
browser that Playwright would download, and keeps every console error and uncaught exception of
the page.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
# As for any Chromium on a machine with a closed network: no background connections to Google's
# hosts (each refused one would be logged), no first-run, sync or component updates.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_path() -> str | None:
    """The Chromium to drive: $TENSORKIT_CHROMIUM, else the system's chromium."""
    chosen = os.environ.get("TENSORKIT_CHROMIUM")
    if chosen:
        return chosen if Path(chosen).exists() else None
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """``with JupyterLab(root) as lab:``: a JupyterLab server on ``lab.url``, with ``root`` as
    its folder; its log goes to ``root/../jupyterlab.log``."""

    def __init__(self, root: Path, *, timeout: float = 90.0) -> None:
        self.root = Path(root)
        self.home = self.root.parent / "jupyter-home"
        self.log_path = self.root.parent / "jupyterlab.log"
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.timeout = timeout
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page(self, path: str) -> str:
        """The address of ``path`` under /lab, with the token and a fresh workspace."""
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def _environment(self) -> dict:
        env = dict(os.environ)
        for name, sub in (
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
            ("IPYTHONDIR", "ipython"),
        ):
            env[name] = str(self.home / sub)
        env["JUPYTER_PATH"] = str(self.home / "prefix" / "share" / "jupyter")
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        env.pop("JUPYTER_ALLOW_INSECURE_WRITES", None)
        return env

    def _install(self, env: dict) -> None:
        """The tensorkit kernel, and settings that keep JupyterLab from reaching the network
        (news, update checks) or opening dialogs of its own on first start."""
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tensorkit.jupyter",
                "install",
                "--prefix",
                str(self.home / "prefix"),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        # user settings: no news, no update checks (this machine may have no network)
        notification = (
            self.home / "settings" / "@jupyterlab" / "apputils-extension"
        ) / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"checkForUpdates": False, "fetchNews": "false"}))

    def __enter__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        env = self._environment()
        self._install(env)
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            # the extension manager would ask PyPI for packages
            "--LabApp.extension_manager=readonly",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI's containers run as root
            command.append("--allow-root")
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command, env=env, cwd=self.root, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_up()
        return self

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.timeout
        address = f"{self.url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                with urllib.request.urlopen(address, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not answer in {self.timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()[-6000:]

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


class Browser:
    """``with Browser(chromium) as browser:``: headless Chromium driven by Playwright; ``page``
    is one tab, ``errors`` every console error and uncaught exception it showed."""

    def __init__(self, executable: str, *, width: int = 1400, height: int = 1000) -> None:
        self.executable = executable
        self.viewport = {"width": width, "height": height}
        self.errors: list[str] = []
        self.messages: list[str] = []

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        self.page = self._browser.new_page(viewport=self.viewport)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return self

    def _on_console(self, message) -> None:
        line = f"{message.type}: {message.text}"
        self.messages.append(line)
        if message.type == "error":
            self.errors.append(line)

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._playwright.stop()
