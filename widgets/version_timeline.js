// VersionTimeline's front end: a table, one row per watched tensor, one column per recorded
// cell; a cell where the version moved is highlighted and says by how much.

function render({ model, el }) {
  const root = document.createElement("div");
  const table = document.createElement("table");
  table.className = "tk-timeline";
  root.append(table);
  el.append(root);
  const stopFollowing = followConnection(model, el, root);
  const draw = () => {
    table.replaceChildren();
    const labels = model.get("labels");
    const head = table.insertRow();
    head.insertCell().textContent = "";
    for (const label of labels) head.insertCell().textContent = label;
    const series = model.get("series");
    for (const name of Object.keys(series)) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      let previous = null;
      for (const value of series[name]) {
        const cell = row.insertCell();
        cell.textContent = value === null ? "–" : String(value);
        if (value !== null && previous !== null && value !== previous) {
          cell.className = "tk-bumped";
          cell.title = `version ${previous} → ${value}`;
        }
        if (value !== null) previous = value;
      }
    }
  };
  const stopListening = listen(model, [["change:series", draw]]);
  draw();
  return () => {
    stopListening();
    stopFollowing();
  };
}

export default { render };
