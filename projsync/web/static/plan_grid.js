// The plan page's grid. Its cells are text (a thousand rows stay quick to
// lay out); a cell reached by click or Tab becomes a field. Enter, Tab or a
// click away saves a changed value through the JSON API (PATCH
// /api/v1/plan/projects/{project}/grid/{task}), which reschedules the
// project; the chart and the grid are then drawn again from the page, the
// focus kept where it was. Escape leaves the cell as it was. A refusal is
// shown next to its row, and nothing of it is saved. Without this script
// the page shows the same chart and grid, as text.
(() => {
  const box = document.getElementById("schedule");
  if (!box || !box.dataset.formToken) return;
  const project = box.dataset.project;
  const token = box.dataset.formToken;
  const status = document.getElementById("grid-status");
  const LABELS = {
    name: "Name", duration: "Duration", predecessors: "Predecessors",
    percent_complete: "Percent complete", type: "Task type", resources: "Resources",
  };
  let queue = Promise.resolve();

  const rowOf = (task) => box.querySelector(`tr[data-row="${CSS.escape(task)}"]`);
  const say = (row, text) => {
    row.querySelector(".why").textContent = text;
    if (status) status.textContent = text;
  };
  const describe = (detail) => {
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail.map((p) => (p.where ? `${p.where}: ` : "") + (p.what || p.msg || "")).join("; ");
    }
    return JSON.stringify(detail);
  };

  function open(cell) {
    if (cell.querySelector("input, select")) return;
    const field = cell.dataset.field;
    const was = cell.dataset.saved ?? cell.textContent.trim();
    cell.dataset.saved = was;
    const row = cell.closest("tr[data-row]");
    const name = row.querySelector('[data-field="name"]');
    let editor;
    if (field === "type") {
      editor = document.createElement("select");
      for (const value of box.querySelector("table.grid").dataset.types.split(" ")) {
        editor.add(new Option(value, value, false, value === cell.textContent.trim()));
      }
    } else {
      editor = document.createElement("input");
      if (field === "percent_complete") Object.assign(editor, { type: "number", min: 0, max: 100, step: 1 });
      editor.value = cell.textContent.trim();
    }
    editor.name = field;
    editor.setAttribute("aria-label", `${LABELS[field]} of ${name ? (name.dataset.saved ?? name.textContent.trim()) : row.dataset.row}`);
    cell.removeAttribute("tabindex");
    cell.textContent = "";
    cell.append(editor);
    editor.focus();
    if (editor.select) editor.select();
  }

  function close(cell, value) {
    cell.textContent = value;
    cell.setAttribute("tabindex", "0");
  }

  function commit(editor, keep) {
    const cell = editor.closest(".cell");
    if (!cell || editor.dataset.done) return;
    editor.dataset.done = "1";
    const value = editor.value;
    if (!keep || value === cell.dataset.saved) {
      close(cell, keep ? value : cell.dataset.saved);
      cell.classList.toggle("refused-value", false);
      return;
    }
    close(cell, value);
    queue = queue.then(() => save(cell, value));
  }

  async function save(cell, value) {
    const row = cell.closest("tr[data-row]");
    const task = row.dataset.row;
    const field = cell.dataset.field;
    say(row, "Saving…");
    row.classList.remove("refused");
    cell.classList.remove("refused-value");
    let answer;
    try {
      answer = await fetch(
        `/api/v1/plan/projects/${encodeURIComponent(project)}/grid/${encodeURIComponent(task)}`,
        {
          method: "PATCH",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-Form-Token": token },
          body: JSON.stringify({ [field]: field === "percent_complete" ? Number(value) : value }),
        },
      );
    } catch (error) {
      row.classList.add("refused");
      say(row, "Not saved: the server did not answer.");
      return;
    }
    if (!answer.ok) {
      let detail = `${answer.status}`;
      try { detail = describe((await answer.json()).detail); } catch (error) { /* not JSON */ }
      row.classList.add("refused");
      cell.classList.add("refused-value");
      say(row, `Not saved: ${detail}`);
      return;
    }
    await redraw(task, "Saved; rescheduled.");
  }

  async function redraw(task, said) {
    const answer = await fetch(location.href, { credentials: "same-origin" });
    const page = new DOMParser().parseFromString(await answer.text(), "text/html");
    const fresh = page.getElementById("schedule");
    if (!answer.ok || !fresh) { location.reload(); return; }
    const focused = document.activeElement;
    const at = focused && focused.closest ? focused.closest("tr[data-row] .cell") : null;
    const focus = at ? [at.closest("tr").dataset.row, at.dataset.field] : null;
    box.innerHTML = fresh.innerHTML;
    for (const id of ["project-finish"]) {
      const from = page.getElementById(id);
      const to = document.getElementById(id);
      if (from && to) to.textContent = from.textContent;
    }
    if (focus) {
      const again = rowOf(focus[0]);
      const cell = again && again.querySelector(`.cell[data-field="${focus[1]}"]`);
      if (cell) cell.focus();
    }
    const row = rowOf(task);
    if (row) say(row, said);
  }

  let resting = null; // a cell focused without opening it (after Escape)
  box.addEventListener("focusin", (event) => {
    const cell = event.target;
    if (cell.matches && cell.matches("table.grid.edit .cell") && cell !== resting) open(cell);
    resting = null;
  });
  box.addEventListener("focusout", (event) => {
    if (event.target.matches("table.grid.edit .cell input, table.grid.edit .cell select")) {
      commit(event.target, true);
    }
  });
  box.addEventListener("change", (event) => {
    if (!event.target.matches("table.grid.edit .cell select")) return;
    const cell = event.target.closest(".cell");
    commit(event.target, true);
    resting = cell;
    cell.focus();
  });
  box.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.matches("table.grid.edit .cell") && (event.key === "Enter" || event.key === "F2")) {
      event.preventDefault();
      open(target);
      return;
    }
    if (!target.matches("table.grid.edit .cell input, table.grid.edit .cell select")) return;
    const cell = target.closest(".cell");
    if (event.key === "Enter") {
      // saved, and on to the same column of the next row, as in a spreadsheet
      event.preventDefault();
      const field = cell.dataset.field;
      let next = cell.closest("tr").nextElementSibling;
      while (next && !next.querySelector(`.cell[data-field="${field}"]`)) next = next.nextElementSibling;
      commit(target, true);
      if (next) next.querySelector(`.cell[data-field="${field}"]`).focus();
      else { resting = cell; cell.focus(); }
    } else if (event.key === "Escape") {
      event.preventDefault();
      commit(target, false);
      resting = cell;
      cell.focus();
    }
  });
})();
