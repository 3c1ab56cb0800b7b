// MemoryView's front end: one bar per buffer, and under it one row per name with the cells it
// reads (numbered in reading order) or, for a big buffer, the span it covers.

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "tk-memory";
  const body = document.createElement("div");
  root.append(body);
  el.append(root);
  const stopFollowing = followConnection(model, el, root);
  const draw = () => {
    body.replaceChildren();
    if (model.get("buffers").length === 0) {
      body.textContent = "no tensors or arrays (a name deleted is dropped from the view)";
    }
    const changed = new Set(model.get("changed_names"));
    for (const buffer of model.get("buffers")) {
      const block = document.createElement("div");
      block.className = "tk-memory-buffer";
      const title = document.createElement("div");
      title.className = "tk-memory-title";
      title.textContent = `${buffer.id}: ${buffer.nbytes} bytes on ${buffer.device}`;
      block.append(title);
      for (const window of buffer.windows) {
        const row = document.createElement("div");
        row.className = "tk-memory-row" + (changed.has(window.name) ? " tk-changed" : "");
        const label = document.createElement("span");
        label.className = "tk-memory-name";
        const version = window.version === null ? "" : ` v${window.version}`;
        label.textContent = `${window.name} [${window.shape.join(", ")}] ${window.dtype}${version}`;
        row.append(label);
        const track = document.createElement("span");
        track.className = "tk-memory-track";
        const total = Math.max(1, Math.floor(buffer.nbytes / window.itemsize));
        if (window.cells) {
          const order = new Map(window.cells.map((cell, index) => [cell, index]));
          for (let cell = 0; cell < total; cell++) {
            const box = document.createElement("span");
            box.className = "tk-cell" + (order.has(cell) ? " tk-read" : "");
            box.textContent = order.has(cell) ? String(order.get(cell)) : "";
            track.append(box);
          }
        } else {
          // a big buffer: the bar is the buffer, the span the bytes this name reaches
          const [first, end] = window.span;
          track.classList.add("tk-bar");
          const span = document.createElement("span");
          span.className = "tk-span";
          const bytes = Math.max(1, buffer.nbytes);
          span.style.marginLeft = `${(100 * first) / bytes}%`;
          span.style.width = `${Math.max(0.5, (100 * (end - first)) / bytes)}%`;
          span.title = `bytes ${first} to ${end} of ${buffer.nbytes}`;
          track.append(span);
        }
        row.append(track);
        block.append(row);
      }
      body.append(block);
    }
    const counters = model.get("counters");
    if (counters.length) {
      const line = document.createElement("div");
      line.className = "tk-memory-counters";
      line.textContent = "shared version counters: " + counters.map((g) => g.join(", ")).join("; ");
      body.append(line);
    }
    const changes = model.get("changes");
    if (changes.length) {
      const list = document.createElement("ul");
      list.className = "tk-memory-changes";
      for (const text of changes) {
        const item = document.createElement("li");
        item.textContent = text;
        list.append(item);
      }
      body.append(list);
    }
  };
  const events = ["change:buffers", "change:changes", "change:changed_names", "change:counters"];
  const stopListening = listen(model, events.map((event) => [event, draw]));
  draw();
  return () => {
    stopListening();
    stopFollowing();
  };
}

export default { render };
