// Polls a job's progress from the API until it finishes; the page works without it (reload).
// Status labels come from the page (data-status-<code>) so that they stay in the reader's language.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const url = box.dataset.jobUrl;
  const statusLabel = (code) => box.dataset["status" + code.charAt(0).toUpperCase() + code.slice(1)] || code;
  const set = (name, value) => box.querySelectorAll(`[data-field="${name}"]`).forEach((el) => {
    if (el.tagName === "PROGRESS") el.value = value; else el.textContent = value;
  });
  async function tick() {
    let response;
    try {
      response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      setTimeout(tick, 3000);
      return;
    }
    if (!response.ok) return;
    const job = await response.json();
    set("status", statusLabel(job.status));
    set("percent", job.percent);
    set("progress", job.percent);
    set("message", job.message);
    if (job.status === "queued" || job.status === "running") setTimeout(tick, 1000);
  }
  tick();
})();
