// The lines grid works without this script (it always shows blank rows); with it, "Add a row" copies
// the blank row template with the next free index and moves the focus to its first cell.
(function () {
  const form = document.getElementById("lines-grid");
  const template = document.getElementById("grid-row-template");
  const button = document.getElementById("add-row");
  const body = document.getElementById("grid-body");
  if (!form || !template || !button || !body) return;
  let next = parseInt(form.dataset.nextIndex || "0", 10);
  button.hidden = false;
  button.addEventListener("click", function () {
    const index = next;
    next += 1;
    const html = template.innerHTML.replaceAll("__i__", String(index)).replaceAll("__n__", String(index + 1));
    body.insertAdjacentHTML("beforeend", html);
    const first = body.querySelector(`#lines-${index}-code`);
    if (first) first.focus();
  });
})();
