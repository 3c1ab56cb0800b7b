// GraphView's front end: tensorkit's own SVG of the graph, with pan (drag), zoom (wheel) and a
// panel for the node clicked (its saved tensors, versions, a leaf's grad). No build step.

function describe(details) {
  if (!details) return "";
  const lines = [`${details.id} (${details.name})`];
  if (details.kind === "fold") {
    lines.push(`${details.pattern.join(" → ")} ×${details.repeats}`);
  }
  if (details.leaf) {
    const grad = details.leaf.grad ? `[${details.leaf.grad.shape.join(", ")}]` : "none";
    lines.push(`leaf [${details.leaf.shape.join(", ")}] ${details.leaf.dtype}, ` +
      `version ${details.leaf.version}, grad ${grad}`);
  }
  for (const value of details.saved) {
    let line = `saved ${value.name}: `;
    if (value.status === "stale") {
      line += `STALE: saved at version ${value.saved_version}, now ${value.version}`;
    } else if (value.status === "freed") {
      line += "freed by backward()";
    } else if (value.shape) {
      line += `[${value.shape.join(", ")}] ${value.dtype}, version ${value.version}`;
    } else if (value.text !== undefined) {
      line += value.text;
    } else {
      line += value.kind;
    }
    lines.push(line);
    if (value.message && value.status !== "ok") lines.push(`  ${value.message}`);
  }
  return lines.join("\n");
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "tk-graph";
  const status = document.createElement("div");
  status.className = "tk-graph-status";
  const stage = document.createElement("div");
  stage.className = "tk-graph-stage";
  const panel = document.createElement("pre");
  panel.className = "tk-graph-panel";
  root.append(status, stage, panel);
  el.append(root);

  let scale = 1, x = 0, y = 0, dragging = null;
  const place = () => {
    const svg = stage.querySelector("svg");
    if (svg) svg.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  };
  const showSelected = () => {
    const id = model.get("selected");
    panel.textContent = describe(model.get("nodes")[id]);
    for (const group of stage.querySelectorAll("g.node")) {
      group.classList.toggle("tk-selected", group.id === id);
    }
  };
  const draw = () => {
    stage.innerHTML = model.get("svg");
    const svg = stage.querySelector("svg");
    if (svg) svg.style.transformOrigin = "0 0";
    for (const group of stage.querySelectorAll("g.node")) {
      group.addEventListener("click", (event) => {
        event.stopPropagation();
        model.set("selected", group.id);
        model.save_changes();
      });
    }
    status.textContent = model.get("status");
    status.classList.toggle("tk-graph-warning", model.get("status").startsWith("backward()"));
    place();
    showSelected();
  };
  const onWheel = (event) => {
    event.preventDefault();
    scale = Math.min(8, Math.max(0.1, scale * (event.deltaY < 0 ? 1.1 : 1 / 1.1)));
    place();
  };
  const onDown = (event) => { dragging = [event.clientX - x, event.clientY - y]; };
  const onMove = (event) => {
    if (!dragging) return;
    x = event.clientX - dragging[0];
    y = event.clientY - dragging[1];
    place();
  };
  const onUp = () => { dragging = null; };
  stage.addEventListener("wheel", onWheel, { passive: false });
  stage.addEventListener("mousedown", onDown);
  window.addEventListener("mousemove", onMove);
  window.addEventListener("mouseup", onUp);
  model.on("change:svg", draw);
  model.on("change:status", draw);
  model.on("change:selected", showSelected);
  draw();
  return () => {
    // leave nothing behind when the view is removed
    window.removeEventListener("mousemove", onMove);
    window.removeEventListener("mouseup", onUp);
    model.off("change:svg", draw);
    model.off("change:status", draw);
    model.off("change:selected", showSelected);
  };
}

export default { render };
