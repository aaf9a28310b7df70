/**
 * The page's only script: sorts the trial table when a header is clicked (again: reversed) and
 * filters rows by a text and a state. It reads cells' `data-sort` / `data-num` attributes and
 * never inserts markup, so user strings stay text. Empty cells sort last either way.
 */
export const TABLE_SCRIPT = `
(function () {
  var table = document.getElementById('trials');
  if (!table) return;
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  var text = document.getElementById('trial-filter');
  var state = document.getElementById('state-filter');
  var count = document.getElementById('trial-count');
  function key(row, col) {
    var cell = row.cells[col];
    if (!cell || !cell.hasAttribute('data-sort')) return null;
    var raw = cell.getAttribute('data-sort');
    return cell.hasAttribute('data-num') ? Number(raw) : raw;
  }
  Array.prototype.forEach.call(heads, function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, col), y = key(b, col);
        if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
        var c = x < y ? -1 : x > y ? 1 : 0;
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  function filter() {
    var needle = text.value.toLowerCase();
    var wanted = state.value;
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (r) {
      var ok = (wanted === '' || r.getAttribute('data-state') === wanted) &&
        (needle === '' || r.textContent.toLowerCase().indexOf(needle) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + body.rows.length + ' trials';
  }
  text.addEventListener('input', filter);
  state.addEventListener('change', filter);
  filter();
})();
`;
