// GraphView's front end: tensorkit's own SVG of the graph, with pan (drag), zoom (wheel) and a
// panel for the node clicked (its saved tensors with their versions and first values, a leaf's
// grad). No build step.

let views = 0; // numbers each view's arrow marker: two graphs on a page must not share ids

function describe(details) {
  if (!details) return "";
  const lines = [`${details.id} (${details.name})`];
  if (details.kind === "fold") {
    lines.push(`${details.pattern.join(" → ")} ×${details.repeats}`);
  }
  if (details.leaf) {
    const leaf = details.leaf;
    lines.push(`leaf [${leaf.shape.join(", ")}] ${leaf.dtype}, version ${leaf.version}`);
    const grad = leaf.grad;
    lines.push(grad ? `grad [${grad.shape.join(", ")}] ${grad.preview}` : "grad None");
  }
  for (const value of details.saved) {
    let line = `saved ${value.name}: `;
    if (value.status === "stale") {
      line += `STALE: saved at version ${value.saved_version}, now ${value.version}`;
    } else if (value.status === "freed") {
      line += "freed by backward()";
    } else if (value.shape) {
      line += `[${value.shape.join(", ")}] ${value.dtype}, version ${value.version}`;
      if (value.preview !== undefined) line += ` ${value.preview}`;
    } else if (value.text !== undefined) {
      line += value.text;
    } else {
      line += value.kind;
    }
    lines.push(line);
    if (value.message && value.status !== "ok") lines.push(`  ${value.message}`);
  }
  if (details.saved.length === 0 && !details.leaf && details.kind !== "fold") {
    lines.push("no saved values");
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
  const stopFollowing = followConnection(model, el, root);
  const marker = `tk-arrow-${++views}`;

  let scale = 1, x = 0, y = 0, press = null, moved = false;
  const place = () => {
    const svg = stage.querySelector("svg");
    if (svg) svg.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
  };
  const showSelected = () => {
    const id = model.get("selected");
    panel.textContent = describe(model.get("nodes")[id]);
    for (const group of stage.querySelectorAll("g.node")) {
      group.classList.toggle("tk-selected", group.dataset.node === id);
    }
  };
  const draw = () => {
    stage.innerHTML = model.get("svg");
    const svg = stage.querySelector("svg");
    if (svg) {
      svg.style.transformOrigin = "0 0";
      // node ids become data attributes, and the arrow marker gets this view's own id
      for (const group of svg.querySelectorAll("g.node")) {
        group.dataset.node = group.id;
        group.removeAttribute("id");
      }
      const arrow = svg.querySelector("marker");
      if (arrow) {
        arrow.id = marker;
        for (const path of svg.querySelectorAll("[marker-end]")) {
          path.setAttribute("marker-end", `url(#${marker})`);
        }
      }
    }
    const text = model.get("status");
    status.textContent = text;
    root.classList.toggle("tk-gone", !model.get("alive"));
    status.classList.toggle("tk-graph-warning", text.startsWith("backward()"));
    stage.hidden = !svg;
    place();
    showSelected();
  };
  // one listener for every node: a click (not the end of a drag) selects the node under it
  const onClick = (event) => {
    const group = event.target.closest("g.node");
    if (!group || moved) return;
    model.set("selected", group.dataset.node);
    model.save_changes();
    showSelected(); // at once, even where the kernel is gone and nothing echoes back
  };
  const onWheel = (event) => {
    event.preventDefault();
    scale = Math.min(8, Math.max(0.1, scale * (event.deltaY < 0 ? 1.1 : 1 / 1.1)));
    place();
  };
  const onDown = (event) => {
    press = [event.clientX - x, event.clientY - y, event.clientX, event.clientY];
    moved = false;
  };
  const onMove = (event) => {
    if (!press) return;
    if (Math.abs(event.clientX - press[2]) + Math.abs(event.clientY - press[3]) > 3) moved = true;
    if (!moved) return;
    x = event.clientX - press[0];
    y = event.clientY - press[1];
    place();
  };
  const onUp = () => { press = null; };
  stage.addEventListener("click", onClick);
  stage.addEventListener("wheel", onWheel, { passive: false });
  stage.addEventListener("mousedown", onDown);
  window.addEventListener("mousemove", onMove);
  window.addEventListener("mouseup", onUp);
  const stopListening = listen(model, [
    ["change:svg", draw],
    ["change:status", draw],
    ["change:alive", draw],
    ["change:nodes", showSelected],
    ["change:selected", showSelected],
  ]);
  draw();
  return () => {
    window.removeEventListener("mousemove", onMove);
    window.removeEventListener("mouseup", onUp);
    stopListening();
    stopFollowing();
  };
}

export default { render };
