// A form sent back with problems: focus moves to its error summary (each problem links to its
// field), so a keyboard or screen reader user starts from the list of what to fix.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
})();
