// Shared by every tensorkit view (the Python side puts it before each view's own module).

// Shows a notice on the view when its kernel restarts or stops: the picture stays, but it no
// longer follows its tensors. ipywidgets marks a view whose model lost its kernel with the class
// "jupyter-widgets-disconnected" (after this model event), so the notice reads that mark.
function followConnection(model, el, root) {
  const notice = document.createElement("div");
  notice.className = "tk-disconnected-notice";
  notice.hidden = true;
  root.prepend(notice);
  const update = () => {
    const gone = el.closest(".jupyter-widgets-disconnected") !== null;
    root.classList.toggle("tk-disconnected", gone);
    notice.hidden = !gone;
    notice.textContent = gone
      ? "The kernel was restarted or shut down: this view no longer follows its tensors. " +
        "Run the cell again for a live view."
      : "";
  };
  const onLive = () => setTimeout(update, 0);
  model.on("comm_live_update", onLive);
  update();
  return () => model.off("comm_live_update", onLive);
}
