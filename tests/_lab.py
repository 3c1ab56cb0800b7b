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

    def __init__(self, root: Path, *, app: str = "lab", timeout: float = 90.0) -> None:
        if app not in ("lab", "notebook"):
            raise ValueError(f"app is 'lab' (JupyterLab 4) or 'notebook' (Notebook 7), not {app!r}")
        self.app = app
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
        """The address of the notebook ``path``, with the token (and in JupyterLab a fresh
        workspace)."""
        if self.app == "notebook":
            return f"{self.url}/notebooks/{path}?token={self.token}"
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
        # JupyterLab's debugger asks the kernel for its state as the kernel restarts, and logs
        # an error when the restart cancels the request: the browser test restarts the kernel
        # and wants a console free of errors, so the debugger's front end is left out.
        page_config = self.home / "config" / "labconfig" / "page_config.json"
        page_config.parent.mkdir(parents=True, exist_ok=True)
        page_config.write_text(
            json.dumps({"disabledExtensions": {"@jupyterlab/debugger-extension": True}})
        )
        # user settings: no news or update checks (this machine may have no network), and every
        # cell of a notebook in the page (JupyterLab 4 otherwise leaves out the ones off screen)
        plugins = [("notebook-extension/tracker", {"windowingMode": "none"})]
        if self.app == "lab":  # Notebook 7 has no such plugin (and fails on its settings)
            plugins.append(
                (
                    "apputils-extension/notification",
                    {"checkForUpdates": False, "fetchNews": "false"},
                )
            )
        for plugin, settings in plugins:
            path = self.home / "settings" / "@jupyterlab" / f"{plugin}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(settings))

    def __enter__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        env = self._environment()
        self._install(env)
        app = "JupyterNotebookApp" if self.app == "notebook" else "LabApp"
        command = [
            sys.executable,
            "-m",
            "jupyterlab" if self.app == "lab" else "notebook",
            "--no-browser",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            f"--{app}.expose_app_in_browser=True",
        ]
        if self.app == "lab":
            command += [
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

    def trust(self, path: Path) -> None:
        """Sign a notebook as trusted in this server's own data folder (as ``jupyter trust``
        does for a user): JupyterLab then shows its stored SVG and HTML outputs."""
        subprocess.run(
            [sys.executable, "-m", "jupyter", "trust", str(path)],
            env=self._environment(),
            check=True,
            capture_output=True,
        )

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


# Errors that a front end itself logs with no tensorkit code on the page, each with the app it
# comes from: the browser tests leave these out of the console's errors, and only these.
UPSTREAM_ERRORS = {
    # Notebook 7.6's keyboard-shortcuts plugin, as the settings of a plugin it has no schema for
    # load while a notebook opens (seen with any kernel, and with no widget displayed)
    "notebook": [
        (
            "uncaught: Cannot read properties of undefined (reading 'schema')\n"
            "TypeError: Cannot read properties of undefined (reading 'schema')\n"
            "    at http://127.0.0.1:*/static/notebook/notebook_core.*.js*"
        ),
    ],
}


class Browser:
    """``with Browser(chromium) as browser:``: headless Chromium driven by Playwright (one per
    test process: Playwright's sync API runs one at a time); ``tab()`` opens a page."""

    def __init__(self, executable: str, *, width: int = 1400, height: int = 1000) -> None:
        self.executable = executable
        self.viewport = {"width": width, "height": height}

    def __enter__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(
            executable_path=self.executable, headless=True, args=list(CHROMIUM_ARGS)
        )
        return self

    def tab(self) -> Tab:
        return Tab(self._browser.new_page(viewport=self.viewport))

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._playwright.stop()


class Tab:
    """One page of the browser: ``page`` (Playwright's), ``errors`` every console error and
    uncaught exception it showed, ``messages`` every console message."""

    def __init__(self, page) -> None:
        self.page = page
        self.errors: list[str] = []
        self.messages: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}\n{error.stack}"))

    def errors_except_upstream(self, app: str) -> list[str]:
        """The page's errors, less the ones ``app`` itself logs (``UPSTREAM_ERRORS``)."""
        import fnmatch

        patterns = UPSTREAM_ERRORS.get(app, [])
        return [
            error
            for error in self.errors
            if not any(fnmatch.fnmatchcase(error, pattern + "*") for pattern in patterns)
        ]

    def _on_console(self, message) -> None:
        line = f"{message.type}: {message.text}"
        self.messages.append(line)
        if message.type == "error":
            self.errors.append(line)


REPORT: list[str] = []  # lines for the end of the test run (tests/conftest.py prints them)

# Runs `code` in a new cell at the end of the open notebook (the first time, in the empty cell a
# new notebook opens with), and waits for its reply; in the page.
# With a selector, it also times (frame by frame, from the start of the run) when the cell's
# output first holds `count` elements that match it.
_RUN_CELL = """async ({ code, selector, count, first }) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const index = first ? 0 : notebook.model.cells.length;
  if (first) notebook.model.cells.get(0).sharedModel.setSource(code);
  else notebook.model.sharedModel.insertCell(index, { cell_type: "code", source: code });
  notebook.activeCellIndex = index;
  const node = notebook.widgets[index].node;
  let shown = null;
  const started = performance.now();
  const watch = async () => {
    while (selector && shown === null && performance.now() - started < 60000) {
      if (node.querySelectorAll(selector).length >= count) shown = performance.now() - started;
      else await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  };
  const watching = watch();
  const ok = await app.commands.execute("notebook:run-cell");
  const ms = performance.now() - started;
  if (ok) await watching;
  return { index, ok, ms, shown };
}"""

# Waits (frame by frame) until the cell's output holds `count` elements matching `selector`.
_WAIT_FOR = """async ({ index, selector, count, timeout }) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const started = performance.now();
  for (;;) {
    const node = notebook.widgets[index].node;
    const found = node.querySelectorAll(selector).length;
    if (found >= count) return performance.now() - started;
    if (performance.now() - started > timeout) return -found - 1;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}"""


class Notebook:
    """A notebook open in JupyterLab (or Notebook 7) in a browser ``tab``: ``run(code)`` adds a
    cell at the end, runs it and returns its index; ``output(index)`` is a Playwright locator of
    its outputs."""

    def __init__(
        self,
        lab: JupyterLab,
        tab: Tab,
        name: str,
        kernel: str,
        display_name: str | None = None,
    ) -> None:
        import nbformat

        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": kernel,
            "display_name": display_name or kernel,
            "language": "python",
        }
        nbformat.write(notebook, lab.root / name)
        self.tab = tab
        self.page = tab.page
        self.page.goto(lab.page(name))
        self.page.wait_for_function(
            """() => {
              const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
              const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
              return kernel && kernel.status === "idle";
            }""",
            timeout=90_000,
        )
        self.kernel_name = self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.name"
        )
        self.cells_run = 0

    def run(self, code: str, selector: str | None = None, count: int = 1) -> int:
        """Run ``code`` in a new cell; ``last_ms`` is then the time to its reply, and with a
        ``selector``, ``shown_ms`` the time until its output held ``count`` of them."""
        reply = self.page.evaluate(
            _RUN_CELL,
            {"code": code, "selector": selector, "count": count, "first": self.cells_run == 0},
        )
        self.cells_run += 1
        if not reply["ok"]:
            raise AssertionError(f"the cell failed:\n{code}\n---\n{self.text(reply['index'])}")
        self.last_ms, self.shown_ms = reply["ms"], reply["shown"]
        return reply["index"]

    def execution_count(self, index: int) -> int:
        return self.page.evaluate(
            "(i) => window.jupyterapp.shell.currentWidget.content.widgets[i].model.executionCount",
            index,
        )

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def output(self, index: int):
        return self.cell(index).locator(".jp-OutputArea")

    def text(self, index: int) -> str:
        return self.output(index).inner_text()

    def wait_for(self, index: int, selector: str, count: int = 1, timeout: float = 30_000):
        """Milliseconds until the cell's output holds ``count`` of ``selector``."""
        waited = self.page.evaluate(
            _WAIT_FOR, {"index": index, "selector": selector, "count": count, "timeout": timeout}
        )
        if waited < 0:
            raise AssertionError(
                f"cell {index}: {-int(waited) - 1} of {count} {selector!r} after {timeout} ms; "
                f"its output:\n{self.text(index)}"
            )
        return waited

    def restart_kernel(self) -> None:
        self.page.evaluate(
            """async () => {
              const context = window.jupyterapp.shell.currentWidget.sessionContext;
              await context.session.kernel.restart();
            }"""
        )
