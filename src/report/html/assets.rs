//! The page's inline style and script (no external assets: the page works offline).

pub(super) const STYLE: &str = r#"
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f7f9}
header{background:#1f2937;color:#fff;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header p{margin:0;color:#cbd5e1;font-size:13px}
main{padding:16px 24px;max-width:1400px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px;margin:0 0 16px}
h2{font-size:16px;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f4f6;cursor:pointer;user-select:none;white-space:nowrap}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td.num,th.num{text-align:right}
.scroll{overflow-x:auto}
.not-done,#gate,h1,h2,p,summary{overflow-wrap:break-word}
.bar{display:flex;height:12px;min-width:120px;background:#f3f4f6;border-radius:2px;overflow:hidden}
.bar span{display:block;height:100%}
.fleet-bar{height:18px;margin:10px 0 4px}
#target-table td:first-child{white-space:nowrap;max-width:32em;overflow:hidden;text-overflow:ellipsis}
.clean-list{columns:3 16em;font-size:12px;margin:6px 0;padding-left:1.2em}
details#clean-targets summary{cursor:pointer;margin-top:8px}
li[hidden],section[hidden]{display:none}
@media (max-width:700px){main{padding:8px}header{padding:10px 12px}section{padding:8px 10px}#target-table td:first-child{max-width:55vw}}
.sev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-size:11px;font-weight:600}
.kev{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;background:#6f1d8f;font-size:11px;font-weight:700}
.gate-failed{background:#fee2e2;border-color:#f87171}.not-done{background:#fef3c7;border:2px solid #d97706;padding:.5em 1em;margin:1em 0}.not-done p{margin:.3em 0}.gate-passed{background:#dcfce7;border-color:#4ade80}
.error{color:#b91c1c}.muted{color:#6b7280}
.filters{display:flex;gap:12px;flex-wrap:wrap;align-items:center;font-size:13px}
.filters input[type=search]{padding:3px 6px;min-width:220px}
tr[hidden]{display:none}
code{font-size:12px}
"#;

pub(super) const SCRIPT: &str = r#"
(function(){
  'use strict';
  var root = document.documentElement;
  function rows(){ return Array.prototype.slice.call(document.querySelectorAll('tr.finding')); }
  function checked(){
    return Array.prototype.slice.call(document.querySelectorAll('input.sev-filter'))
      .filter(function(i){ return i.checked; }).map(function(i){ return i.value; });
  }
  function apply(){
    var sevs = checked();
    var comp = document.getElementById('component-filter').value;
    var q = document.getElementById('text-filter').value.toLowerCase();
    var kevOnly = document.getElementById('kev-filter').checked;
    var changeEl = document.getElementById('change-filter');
    var change = changeEl ? changeEl.value : '';
    var overdueEl = document.getElementById('overdue-filter');
    var overdueOnly = overdueEl ? overdueEl.checked : false;
    var shown = 0;
    rows().forEach(function(r){
      var c = r.dataset.change || '';
      var changeOk = change === '' || c === change ||
        (change === 'new' && c !== '' && c !== 'unchanged' && c !== 'updated');
      var ok = sevs.indexOf(r.dataset.severity) >= 0 &&
        (!kevOnly || r.dataset.kev === '1') &&
        changeOk && (!overdueOnly || r.dataset.overdue === '1') &&
        (comp === '' || r.dataset.component === comp) &&
        (q === '' || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { shown++; }
    });
    root.dataset.shown = String(shown);
  }
  function sortBy(th){
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var asc = !th.classList.contains('sorted-asc');
    Array.prototype.forEach.call(th.parentNode.children, function(h){ h.classList.remove('sorted-asc','sorted-desc'); });
    th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
    var body = table.tBodies[0];
    var list = Array.prototype.slice.call(body.rows);
    list.sort(function(a, b){
      var x = a.cells[index].dataset.sort || a.cells[index].textContent;
      var y = b.cells[index].dataset.sort || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    list.forEach(function(r){ body.appendChild(r); });
  }
  function fromHash(){
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function(kv){
      var p = kv.split('=');
      if (p[0]) { params[decodeURIComponent(p[0])] = decodeURIComponent(p[1] || ''); }
    });
    if (params.severity) {
      var want = params.severity.toUpperCase().split(',');
      document.querySelectorAll('input.sev-filter').forEach(function(i){ i.checked = want.indexOf(i.value) >= 0; });
    }
    if (params.component !== undefined) { document.getElementById('component-filter').value = params.component; }
    if (params.q !== undefined) { document.getElementById('text-filter').value = params.q; }
    if (params.target !== undefined) { document.getElementById('target-filter').value = params.target; }
    if (params.kev !== undefined) { document.getElementById('kev-filter').checked = params.kev === '1'; }
    var changeEl = document.getElementById('change-filter');
    if (params.change !== undefined && changeEl) { changeEl.value = params.change; }
    var overdueEl = document.getElementById('overdue-filter');
    if (params.overdue !== undefined && overdueEl) { overdueEl.checked = params.overdue === '1'; }
  }
  function applyTargets(){
    var q = document.getElementById('target-filter').value.toLowerCase();
    var shown = 0;
    document.querySelectorAll('.target-row, section.target').forEach(function(r){
      var name = r.dataset.name || r.title.toLowerCase();
      var ok = q === '' || name.indexOf(q) >= 0;
      r.hidden = !ok;
      if (ok && r.classList.contains('target-row')) { shown++; }
    });
    // A match among the clean targets is shown, not left folded.
    var clean = document.getElementById('clean-targets');
    if (clean && q !== '') { clean.open = clean.querySelector('li:not([hidden])') !== null; }
    root.dataset.targetsShown = String(shown);
  }
  document.querySelectorAll('table.sortable th').forEach(function(th){
    th.addEventListener('click', function(){ sortBy(th); });
  });
  document.querySelectorAll('input.sev-filter, #component-filter, #kev-filter, #change-filter, #overdue-filter').forEach(function(i){ i.addEventListener('change', apply); });
  document.getElementById('text-filter').addEventListener('input', apply);
  document.getElementById('target-filter').addEventListener('input', applyTargets);
  window.addEventListener('hashchange', function(){ fromHash(); apply(); applyTargets(); });
  fromHash();
  apply();
  // Untouched at load unless the address asks: 10,000 clean targets are not walked for nothing.
  if (document.getElementById('target-filter').value !== '') { applyTargets(); }
  root.dataset.ready = '1';
})();
"#;
