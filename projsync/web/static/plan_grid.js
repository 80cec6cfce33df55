// The plan page's grid: a cell edited and left (Tab, Enter or a click away)
// is saved through the JSON API (PATCH /api/v1/plan/projects/{project}/grid/
// {task}), which reschedules the project; the chart and the grid are then
// drawn again from the page. A refusal is shown next to its row, and nothing
// of it is saved. Without this script the page shows the same chart and grid.
(() => {
  const box = document.getElementById("schedule");
  if (!box || !box.dataset.formToken) return;
  const project = box.dataset.project;
  const token = box.dataset.formToken;
  let queue = Promise.resolve();

  const changed = (field) =>
    field.tagName === "SELECT"
      ? !field.selectedOptions[0] || !field.selectedOptions[0].defaultSelected
      : field.value !== field.defaultValue;

  const valueOf = (field) =>
    field.name === "percent_complete" ? Number(field.value) : field.value;

  const describe = (detail) => {
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail.map((p) => (p.where ? `${p.where}: ` : "") + (p.what || p.msg || "")).join("; ");
    }
    return JSON.stringify(detail);
  };

  const rowOf = (task) => box.querySelector(`tr[data-row="${CSS.escape(task)}"]`);

  async function redraw(task, said) {
    const focused = document.activeElement;
    const at = focused && focused.closest ? focused.closest("tr[data-row]") : null;
    const focus = at ? [at.dataset.row, focused.name] : null;
    const answer = await fetch(location.href, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    const fresh = page.getElementById("schedule");
    if (!answer.ok || !fresh) { location.reload(); return; }
    box.innerHTML = fresh.innerHTML;
    const finish = page.getElementById("project-finish");
    const shown = document.getElementById("project-finish");
    if (finish && shown) shown.textContent = finish.textContent;
    if (focus) {
      const again = rowOf(focus[0]);
      const field = again && again.querySelector(`[name="${CSS.escape(focus[1])}"]`);
      if (field) field.focus();
    }
    const row = rowOf(task);
    if (row) row.querySelector(".why").textContent = said;
  }

  async function save(field) {
    const row = field.closest("tr[data-row]");
    if (!row || !changed(field)) return;
    const why = row.querySelector(".why");
    const task = row.dataset.row;
    why.textContent = "Saving…";
    row.classList.remove("refused");
    field.removeAttribute("aria-invalid");
    let answer;
    try {
      answer = await fetch(
        `/api/v1/plan/projects/${encodeURIComponent(project)}/grid/${encodeURIComponent(task)}`,
        {
          method: "PATCH",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-Form-Token": token },
          body: JSON.stringify({ [field.name]: valueOf(field) }),
        },
      );
    } catch (error) {
      why.textContent = "Not saved: the server did not answer.";
      row.classList.add("refused");
      return;
    }
    if (!answer.ok) {
      let detail = `${answer.status}`;
      try { detail = describe((await answer.json()).detail); } catch (error) { /* not JSON */ }
      why.textContent = `Not saved: ${detail}`;
      row.classList.add("refused");
      field.setAttribute("aria-invalid", "true");
      return;
    }
    await redraw(task, "Saved; rescheduled.");
  }

  const enqueue = (field) => { queue = queue.then(() => save(field)); };
  box.addEventListener("change", (event) => {
    if (event.target.matches("table.grid.edit [name]")) enqueue(event.target);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("table.grid.edit input")) {
      event.preventDefault();
      enqueue(event.target);
    }
  });
})();
