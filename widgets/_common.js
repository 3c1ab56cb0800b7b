// Shared by every tensorkit view (the Python side puts it before each view's own module).

// Subscribes each [event, handler] pair to the model; returns what unsubscribes them all (a
// view's clean-up: nothing is left behind when the view is removed).
function listen(model, pairs) {
  for (const [event, handler] of pairs) model.on(event, handler);
  return () => {
    for (const [event, handler] of pairs) model.off(event, handler);
  };
}

// Shows a notice on the view when its kernel restarts: the picture stays, but it no longer
// follows its tensors. The widget manager tells a model that it lost its kernel with the event
// "comm_live_update", which it sends only then (a model is live from its creation, and a
// restarted kernel never takes an old model back).
function followConnection(model, el, root) {
  const notice = document.createElement("div");
  notice.className = "tk-disconnected-notice";
  notice.hidden = true;
  root.prepend(notice);
  const onLost = () => {
    root.classList.add("tk-disconnected");
    notice.hidden = false;
    notice.textContent =
      "The kernel was restarted: this view no longer follows its tensors. " +
      "Run the cell again for a live view.";
  };
  return listen(model, [["comm_live_update", onLost]]);
}
