#include "reports/html_assets.h"

namespace snapsim::reports {

const char* const kHtmlStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; text-align: left; }
th { background: #f4f4f4; }
.small { font-size: 12px; color: #555; }
.banner { background: #fde9c8; padding: 0.5em 1em; border-left: 4px solid #e8a33d; }
.status { display: inline-block; min-width: 8em; padding: 0 6px; border-radius: 3px; }
.pass { background: #dff5e1; } .fail { background: #fbdcdc; }
.skip { background: #f1f1f1; color: #666; } .known { background: #efe6fb; }
.backend-failure { background: #fde9c8; }
.counts td.status { font-weight: bold; }
.filters { margin: 1em 0; } .filters label { margin-right: 1em; }
#search { width: 24em; padding: 3px; }
details.case { border: 1px solid #ddd; border-radius: 4px; margin: 3px 0; padding: 2px 6px; }
details.case[open] { background: #fcfcfc; }
details.case summary { cursor: pointer; }
details.case .path { font-family: ui-monospace, monospace; }
details.case .backend { display: inline-block; min-width: 7em; }
pre { white-space: pre-wrap; margin: 0.3em 0; }
pre.source { background: #f8f8f8; border: 1px solid #ddd; padding: 4px; }
pre.source span { display: block; }
pre.source .ln { display: inline-block; width: 3em; color: #999; user-select: none; }
pre.source .bad { background: #fbdcdc; font-weight: bold; }
table.trace td { font-family: ui-monospace, monospace; font-size: 12px; }
tr.differs td { background: #fff1c2; } tr.broke td { background: #fbdcdc; }
td.model.ok { background: #eef7ee; } td.model.err { background: #fff4e5; }
.observed.differs { background: #fff1c2; font-weight: bold; }
tr.profiles-differ > td:first-child { border-left: 4px solid #e8a33d; }
.portability td { font-size: 12px; }
)";

const char* const kHtmlScript = R"(
(function () {
  var search = document.getElementById('search');
  var boxes = Array.prototype.slice.call(document.querySelectorAll('.status-filter'));
  var cases = Array.prototype.slice.call(document.querySelectorAll('.case'));
  function apply() {
    var wanted = {};
    boxes.forEach(function (b) { wanted[b.value] = b.checked; });
    var text = search.value.trim().toLowerCase();
    var shown = 0;
    cases.forEach(function (c) {
      var keep = wanted[c.dataset.status] && c.dataset.search.indexOf(text) !== -1;
      c.hidden = !keep;
      if (keep) shown += 1;
    });
    document.getElementById('shown').textContent = shown + ' of ' + cases.length + ' cases shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  search.addEventListener('input', apply);
  apply();
})();
)";

}  // namespace snapsim::reports
