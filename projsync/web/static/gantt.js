// Gantt chart: clicking a bar highlights its row in the task table below.
document.addEventListener("click", (event) => {
  const bar = event.target.closest("[data-task]");
  if (!bar) return;
  document.querySelectorAll("tr.selected").forEach((row) => row.classList.remove("selected"));
  const row = document.getElementById("task-" + bar.dataset.task);
  if (row) { row.classList.add("selected"); row.scrollIntoView({ block: "nearest" }); }
});
