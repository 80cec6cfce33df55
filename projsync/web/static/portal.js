// Timesheet: keep each row's and the week's total up to date as hours are typed.
function number(text) { const v = parseFloat(String(text).replace(",", ".")); return isNaN(v) ? 0 : v; }
function totals() {
  let week = 0;
  document.querySelectorAll("tr[data-row]").forEach((row) => {
    let sum = 0;
    row.querySelectorAll("input.hours").forEach((cell) => { sum += number(cell.value); });
    row.querySelector(".row-total").textContent = sum.toFixed(2);
    week += sum;
  });
  const all = document.getElementById("week-total");
  if (all) all.textContent = week.toFixed(2);
}
document.addEventListener("input", (event) => { if (event.target.matches("input.hours")) totals(); });
document.addEventListener("DOMContentLoaded", totals);
