// Live status: refreshes the cells of a status table from the Server-Sent Events stream.
// The page is complete without it; this only keeps the numbers current.
(function () {
  "use strict";
  const table = document.querySelector("[data-stream-models]");
  if (!table || !window.EventSource || !table.dataset.streamModels) return;
  const labels = JSON.parse(document.getElementById("live-labels").textContent);
  const percent = new Intl.NumberFormat(document.documentElement.lang, {
    style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2,
  });
  const note = document.getElementById("live-note");

  function state(value) {
    if (value === null || value === undefined) return "nodata";
    if (value >= 99.9) return "up";
    if (value >= 99) return "degraded";
    return "down";
  }

  function render(cell, availability) {
    const kind = state(availability);
    const label = document.createElement("span");
    label.className = "status " + kind;
    label.textContent = labels[kind];
    cell.replaceChildren(label);
    if (kind !== "nodata") cell.append(" " + percent.format(availability / 100));
  }

  const source = new EventSource("/api/v1/status/stream?models=" + encodeURIComponent(table.dataset.streamModels));
  source.addEventListener("status", function (event) {
    const update = JSON.parse(event.data);
    for (const [region, values] of Object.entries(update.regions || {})) {
      const cell = table.querySelector(
        '[data-model="' + CSS.escape(update.model) + '"][data-region="' + CSS.escape(region) + '"]'
      );
      if (cell) render(cell, values.availability);
    }
    if (note) note.textContent = labels.updated + " " + new Date().toLocaleTimeString(document.documentElement.lang);
  });
})();
