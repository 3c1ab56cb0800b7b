"""The widgets in a real JupyterLab, in a real browser.

A JupyterLab server of this environment starts on a free localhost port with a token (tests/_lab.py)
and opens a notebook on the "Python 3 (tensorkit)" kernel in headless Chromium (Debian's
``chromium``, driven by Playwright; nothing downloads a browser). Each test runs cells in that
notebook and reads the rendered views' DOM: node labels, the panel a click opens, stale and freed
saved tensors, memory cells, the version timeline, what happens when a tensor is deleted, a view
is displayed twice or the kernel restarts. The page's console must stay free of errors.
Screenshots go to build/browser-screenshots/ (or $TENSORKIT_SCREENSHOTS), and the run's summary
prints that folder and the timings measured (a 1,000-node graph: from running its cell to its
nodes in the DOM, and a click's answer). A last test shows the views in Notebook 7.

The JupyterLab tests share one page, in order: each one adds its cells at the end of the
notebook.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from _lab import REPORT, Browser, JupyterLab, Notebook, chromium_path
from _tools import skip_missing_tool

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(
    os.environ.get("TENSORKIT_SCREENSHOTS") or ROOT / "build" / "browser-screenshots"
)


def _chromium(request) -> str:
    """The Chromium to drive, once the tools are known to be there (else a skip that says why;
    under CI=true a failure)."""
    if request.config.getoption("--strict-device", default=False):
        pytest.skip("the browser tests run once, in the run without --strict-device")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_missing_tool("playwright", "the browser tests drive Chromium with it")
    chromium = chromium_path()
    if chromium is None:
        skip_missing_tool(
            "chromium",
            "the browser tests open JupyterLab in headless Chromium (Debian: apt-get install "
            "chromium; or set TENSORKIT_CHROMIUM to a Chromium binary)",
        )
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    REPORT.append(f"browser tests: screenshots in {SCREENSHOTS}")
    return chromium


@pytest.fixture(scope="module")
def browser(request):
    with Browser(_chromium(request)) as browser:
        yield browser


@pytest.fixture(scope="module")
def notebook(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab") / "notebooks"
    with JupyterLab(root) as lab:
        book = Notebook(lab, browser.tab(), "widgets.ipynb", kernel="tensorkit")
        book.lab, book.browser = lab, browser
        yield book
        book.page.screenshot(path=SCREENSHOTS / "notebook.png", full_page=True)


def shot(notebook, index: int, name: str) -> None:
    notebook.output(index).screenshot(path=SCREENSHOTS / f"{name}.png")


def nodes(notebook, index: int) -> list[str]:
    """The node ids of every GraphView in the cell's output, in order."""
    return (
        notebook.output(index)
        .locator(".tk-graph g.node")
        .evaluate_all("groups => groups.map(g => g.dataset.node)")
    )


def test_the_kernel_loads_the_extension_and_the_views(notebook):
    assert notebook.kernel_name == "tensorkit"
    index = notebook.run(
        "import tensorkit as torch\n"
        "from tensorkit.widgets import GraphView, MemoryView, VersionTimeline\n"
        "print(sorted(m for m in get_ipython().magics_manager.magics['line'] if 'tensor' in m))"
    )
    assert notebook.text(index).strip() == (
        "['tensor_copies', 'tensor_graph', 'tensor_mem', 'tensor_versions', 'tensor_watch']"
    )


# The graph both front ends draw first, and its nodes in walk order.
GRAPH_OF_Y = (
    "a = torch.tensor([1., 2., 3.], requires_grad=True)\n"
    "h = a * 2\n"
    "y = (h * h).sum()\n"
    "%tensor_graph y --format widget --saved"
)
NODES_OF_Y = ["SumBackward0#1", "MulBackward0#1", "MulBackward0#2", "AccumulateGrad#1"]


def test_a_graph_view_shows_its_nodes_and_a_click_shows_saved_tensors(notebook):
    index = notebook.run(GRAPH_OF_Y)
    notebook.wait_for(index, ".tk-graph g.node", 4)
    assert nodes(notebook, index) == NODES_OF_Y
    labels = (
        notebook.output(index)
        .locator(".tk-graph g.node text")
        .evaluate_all("texts => texts.map(t => t.textContent)")
    )
    assert labels[:3] == ["SumBackward0#1", "self_sym_sizes=(3,)", "MulBackward0#1"]
    notebook.output(index).locator('g.node[data-node="MulBackward0#1"]').click()
    panel = notebook.output(index).locator(".tk-graph-panel")
    assert panel.inner_text().splitlines() == [
        "MulBackward0#1 (MulBackward0)",
        "saved other: [3] float32, version 0 [2, 4, 6]",
        "saved self: [3] float32, version 0 [2, 4, 6]",
    ]
    selected = notebook.output(index).locator("g.node.tk-selected")
    assert selected.evaluate_all("gs => gs.map(g => g.dataset.node)") == ["MulBackward0#1"]
    notebook.output(index).locator('g.node[data-node="AccumulateGrad#1"]').click()
    assert panel.inner_text().splitlines() == [
        "AccumulateGrad#1 (AccumulateGrad)",
        "leaf [3] float32, version 0",
        "grad None",
    ]
    shot(notebook, index, "graph_view")


def test_a_graph_view_zooms_with_the_wheel_and_pans_with_a_drag(notebook):
    index = notebook.run("GraphView(y, name='y')")
    notebook.wait_for(index, ".tk-graph g.node", 4)
    stage = notebook.output(index).locator(".tk-graph-stage")
    svg = stage.locator("svg")
    box = stage.bounding_box()
    page = notebook.page
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.wheel(0, -100)  # one notch in: 1.1 times
    page.wait_for_function(
        "(svg) => svg.style.transform.includes('scale(1.1)')", arg=svg.element_handle()
    )
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + 70, steps=5)
    page.mouse.up()
    assert svg.evaluate("svg => svg.style.transform") == "translate(50px, 30px) scale(1.1)"
    panel = notebook.output(index).locator(".tk-graph-panel")
    assert panel.inner_text() == ""  # a drag that ends on a node does not select it


def test_a_stale_saved_tensor_is_marked_with_the_error_backward_will_raise(notebook):
    index = notebook.run("view = GraphView(y, name='y', saved=True)\nview")
    notebook.wait_for(index, ".tk-graph g.node", 4)
    notebook.run("h.add_(1)")
    notebook.wait_for(index, ".tk-graph-status.tk-graph-warning")
    status = notebook.output(index).locator(".tk-graph-status").inner_text()
    assert status == (
        "backward() will fail: one of the variables needed for gradient computation has been "
        "modified by an inplace operation: [tensorkit.FloatTensor [3]], which is output 0 of "
        "Add, is at version 1; expected version 0 instead."  # h's grad_fn is now AddBackward0
    )
    stale = notebook.output(index).locator("g.node.stale")
    assert stale.evaluate_all("gs => gs.map(g => g.dataset.node)") == ["MulBackward0#1"]
    stale.click()
    lines = notebook.output(index).locator(".tk-graph-panel").inner_text().splitlines()
    assert lines[1] == "saved other: STALE: saved at version 0, now 1"
    assert lines[2].startswith("  one of the variables needed for gradient computation")
    # the view of the cell above (%tensor_graph) follows the cells too
    notebook.wait_for(index - 1, ".tk-graph-status.tk-graph-warning")
    shot(notebook, index, "graph_view_stale")
    check = notebook.run("print(view.selected)")
    assert notebook.text(check).strip() == "MulBackward0#1"  # the click reached the kernel


def test_backward_frees_the_saved_tensors_and_the_view_says_so(notebook):
    index = notebook.run(
        "w = torch.ones(3, requires_grad=True)\nz = (w * w).sum()\nGraphView(z, name='z')"
    )
    notebook.wait_for(index, ".tk-graph g.node", 3)
    assert notebook.output(index).locator("g.node.freed").count() == 0
    notebook.run("z.backward()")
    notebook.wait_for(index, "g.node.freed")
    status = notebook.output(index).locator(".tk-graph-status").inner_text()
    assert status == "saved tensors were freed by backward(): a second backward() will fail"
    notebook.output(index).locator('g.node[data-node="MulBackward0#1"]').click()
    lines = notebook.output(index).locator(".tk-graph-panel").inner_text().splitlines()
    assert [line for line in lines if line.startswith("saved")] == [
        "saved other: freed by backward()",
        "saved self: freed by backward()",
    ]
    assert lines[2].startswith("  Trying to backward through the graph a second time")
    notebook.output(index).locator('g.node[data-node="AccumulateGrad#1"]').click()
    panel = notebook.output(index).locator(".tk-graph-panel").inner_text()
    assert panel.splitlines()[-1] == "grad [3] [2, 2, 2]"
    shot(notebook, index, "graph_view_freed")


def test_a_deleted_tensor_and_a_view_displayed_twice(notebook):
    index = notebook.run(
        "q = (w * 3).sum()\ntwice = GraphView(q, name='q')\ndisplay(twice)\ndisplay(twice)"
    )
    notebook.wait_for(index, ".tk-graph g.node", 6)
    views = notebook.output(index).locator(".tk-graph")
    assert views.count() == 2
    views.nth(0).locator('g.node[data-node="MulBackward0#1"]').click()
    for view in range(2):  # one model: a click in one view selects in both
        panel = views.nth(view).locator(".tk-graph-panel")
        assert panel.inner_text().startswith("MulBackward0#1 (MulBackward0)")
    notebook.run("del q")
    notebook.wait_for(index, ".tk-graph.tk-gone", 2)
    for view in range(2):  # the last picture stays, dimmed, and the status says why
        assert views.nth(view).locator(".tk-graph-status").inner_text() == (
            "q was deleted: this is its graph as it last was"
        )
        assert views.nth(view).locator("g.node").count() == 3
    gone = notebook.run("import gc\nprint(twice.tensor is None, gc.collect() >= 0)")
    assert notebook.text(gone).strip() == "True True"  # the view held q weakly
    shot(notebook, index, "graph_view_deleted_twice")
    notebook.run("twice.close()")  # closed from the kernel: both views leave the page
    views.first.wait_for(state="detached", timeout=30_000)
    assert views.count() == 0


def test_a_memory_view_and_a_version_timeline_follow_the_cells(notebook):
    memory = notebook.run(
        "base = torch.arange(6.).reshape(2, 3)\nt = base.t()\nMemoryView(base=base, t=t)"
    )
    notebook.wait_for(memory, ".tk-memory-row", 2)
    rows = notebook.output(memory).locator(".tk-memory-row")
    cells = rows.nth(1).locator(".tk-cell").all_inner_texts()
    assert cells == ["0", "2", "4", "1", "3", "5"]  # t reads the buffer in this order
    assert rows.nth(1).locator(".tk-memory-name").inner_text() == "t [3, 2] float32 v0"
    counters = notebook.output(memory).locator(".tk-memory-counters").inner_text()
    assert counters == "shared version counters: base, t"
    timeline = notebook.run("VersionTimeline({'base': base, 't': t})")
    notebook.wait_for(timeline, ".tk-timeline tr", 3)
    bump = notebook.run("base.add_(1)\nNone")
    notebook.wait_for(memory, ".tk-memory-row.tk-changed", 2)
    changes = notebook.output(memory).locator(".tk-memory-changes li").all_inner_texts()
    assert changes == ["base: version 0 → 1", "t: version 0 → 1"]
    notebook.wait_for(timeline, "td.tk-bumped", 2)
    table = notebook.output(timeline).locator(".tk-timeline")
    assert table.locator("tr").nth(0).locator("td").all_inner_texts() == [
        "",
        "start",
        f"[{notebook.execution_count(timeline)}]",
        f"[{notebook.execution_count(bump)}]",
    ]
    assert table.locator("tr").nth(1).locator("td").all_inner_texts() == ["base", "0", "0", "1"]
    assert table.locator("td.tk-bumped").first.get_attribute("title") == "version 0 → 1"
    notebook.run("x = 1")  # a cell that changes nothing: the marks go
    notebook.wait_for(memory, ".tk-memory-row:not(.tk-changed)", 2)
    shot(notebook, memory, "memory_view")
    shot(notebook, timeline, "version_timeline")


def test_tensor_mem_and_tensor_watch_show_live_views(notebook):
    memory = notebook.run("v = torch.zeros(4)\nvv = v[1:3]\n%tensor_mem v vv")
    notebook.wait_for(memory, ".tk-memory-row", 2)
    spans = notebook.output(memory).locator(".tk-memory-row").nth(1).locator(".tk-read")
    assert spans.all_inner_texts() == ["0", "1"]
    watch = notebook.run("%tensor_watch on v vv")
    notebook.wait_for(watch, ".tk-timeline tr", 3)
    changed = notebook.run("vv.add_(1)\ne = v.detach()  # not watched\nNone")
    notebook.wait_for(changed, ".tk-memory .tk-memory-row.tk-changed", 2)
    items = notebook.output(changed).locator(".tk-memory-changes li").all_inner_texts()
    assert items == ["v: version 0 → 1", "vv: version 0 → 1"]
    notebook.wait_for(watch, "td.tk-bumped", 2)
    notebook.run("%tensor_watch off")
    shot(notebook, changed, "tensor_watch_panel")


def test_a_graph_of_1000_nodes_renders_and_answers_a_click(notebook):
    notebook.run(
        "x = torch.ones(1, requires_grad=True)\n"
        "u = x\n"
        "for _ in range(500):\n"
        "    u = u * 1.0001 + 0.0001"
    )
    index = notebook.run(
        "import time\n"
        "started = time.perf_counter()\n"
        "big = GraphView(u, name='u', max_nodes=2000)\n"
        "print(f'{(time.perf_counter() - started) * 1000:.0f}')\n"
        "big",
        selector=".tk-graph g.node",
        count=1001,
    )
    replied, shown = notebook.last_ms, notebook.shown_ms
    built = float(notebook.output(index).locator(".jp-RenderedText").first.inner_text())
    assert shown is not None and len(nodes(notebook, index)) == 1001
    # a click, timed in the page: from the event to the panel's text, after the next frame
    clicked = (
        notebook.output(index)
        .locator('g.node[data-node="MulBackward0#250"]')
        .evaluate(
            """async (group) => {
          const started = performance.now();
          group.dispatchEvent(new MouseEvent("click", { bubbles: true }));
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - started;
        }"""
        )
    )
    panel = notebook.output(index).locator(".tk-graph-panel")
    assert panel.inner_text().startswith("MulBackward0#250 (MulBackward0)")
    started = time.perf_counter()
    notebook.output(index).locator('g.node[data-node="AddBackward0#100"]').click()
    assert panel.inner_text().startswith("AddBackward0#100 (AddBackward0)")
    driven = (time.perf_counter() - started) * 1000
    REPORT.append(
        f"browser: GraphView of 1,001 nodes: built in the kernel in {built:.0f} ms; from running "
        f"its cell to its nodes in the DOM {shown:.0f} ms (the cell's reply: {replied:.0f} ms); "
        f"a click answered in {clicked:.0f} ms in the page ({driven:.0f} ms with Playwright's "
        "round trips)"
    )
    shot(notebook, index, "graph_view_1000_nodes")


def test_a_stored_curriculum_notebook_shows_its_pictures_before_it_runs(notebook):
    import nbformat

    source = ROOT / "notebooks" / "05_inplace_and_versions.ipynb"
    stored = nbformat.read(source, as_version=4)
    pictures = sum(
        "image/svg+xml" in output.get("data", {})
        for cell in stored.cells
        for output in cell.get("outputs", [])
    )
    assert pictures >= 2
    shutil.copy(source, notebook.lab.root / "stored.ipynb")
    notebook.lab.trust(notebook.lab.root / "stored.ipynb")  # as make lab does
    tab = notebook.browser.tab()
    tab.page.goto(notebook.lab.page("stored.ipynb"))
    tab.page.wait_for_function(
        f"() => document.querySelectorAll('.jp-RenderedSVG img').length >= {pictures}",
        timeout=60_000,
    )
    assert tab.page.locator(".jp-OutputArea-output.jp-mod-trusted").count() > 0
    errors = tab.errors_except_upstream("lab")
    assert errors == [], "the page's console showed errors:\n" + "\n".join(errors)
    tab.page.screenshot(path=SCREENSHOTS / "stored_notebook.png")
    tab.page.close()


def test_a_kernel_restart_is_said_and_the_console_stays_clean(notebook):
    graph = notebook.run("five = (w * 5).sum()\nGraphView(five, name='five')")
    notebook.wait_for(graph, ".tk-graph g.node", 3)
    notebook.restart_kernel()
    notice = ".tk-disconnected-notice:not([hidden])"
    notebook.wait_for(graph, notice)
    text = notebook.output(graph).locator(notice).inner_text()
    assert text.startswith("The kernel was restarted: this view no longer follows its tensors")
    views = notebook.page.locator(".tk-graph, .tk-memory, .tk-timeline")
    marked = notebook.page.locator(f"{notice}")
    assert marked.count() >= views.count() - 1  # every view says so (a timeline sits in a div)
    notebook.page.screenshot(path=SCREENSHOTS / "after_restart.png", full_page=True)
    # after the restart the notebook runs again, and a new view is live
    again = notebook.run(
        "import tensorkit as torch\nfrom tensorkit.widgets import GraphView\n"
        "r = torch.ones(2, requires_grad=True)\nGraphView((r * r).sum())"  # a temporary: kept
    )
    notebook.wait_for(again, ".tk-graph.tk-gone g.node", 3)
    assert notebook.output(again).locator(notice).count() == 0
    errors = notebook.tab.errors_except_upstream("lab")
    assert errors == [], "the page's console showed errors:\n" + "\n".join(errors)


@pytest.fixture(scope="module")
def notebook7(browser, tmp_path_factory):
    try:
        import notebook  # noqa: F401  (Notebook 7)
    except ImportError:
        skip_missing_tool("notebook", "the widgets are shown in Notebook 7 too")
    root = tmp_path_factory.mktemp("notebook7") / "notebooks"
    with JupyterLab(root, app="notebook") as server:
        yield Notebook(server, browser.tab(), "widgets.ipynb", kernel="tensorkit")


def test_the_views_render_and_answer_in_notebook_7_too(notebook7):
    book = notebook7
    graph = book.run(
        "import tensorkit as torch\n"
        "from tensorkit.widgets import GraphView, MemoryView, VersionTimeline\n" + GRAPH_OF_Y
    )
    book.wait_for(graph, ".tk-graph g.node", 4)
    assert nodes(book, graph) == NODES_OF_Y
    book.output(graph).locator('g.node[data-node="MulBackward0#1"]').click()
    panel = book.output(graph).locator(".tk-graph-panel").inner_text()
    assert panel.splitlines()[1] == "saved other: [3] float32, version 0 [2, 4, 6]"
    memory = book.run("t = h.detach()\nMemoryView(h=h, t=t)")
    book.wait_for(memory, ".tk-memory-row", 2)
    timeline = book.run("VersionTimeline({'h': h})")
    book.wait_for(timeline, ".tk-timeline tr", 2)
    book.run("t.add_(1)\nNone")
    book.wait_for(graph, ".tk-graph-status.tk-graph-warning")  # h's change broke y's graph
    book.wait_for(memory, ".tk-memory-row.tk-changed", 2)
    book.wait_for(timeline, "td.tk-bumped")
    book.output(graph).screenshot(path=SCREENSHOTS / "notebook7_graph_view.png")
    errors = book.tab.errors_except_upstream("notebook")
    assert errors == [], "the page's console showed errors:\n" + "\n".join(errors)
