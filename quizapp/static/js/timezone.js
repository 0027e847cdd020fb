// Time zone selects (sign-up, account): a select marked data-browser-zone starts on the browser's
// own IANA zone when the server offers it; the note beside it says so, so a person knows to check.
// Without this script the select keeps the server's choice (UTC, or the zone already saved).
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
    var option = Array.prototype.find.call(select.options, function (each) { return each.value === zone; });
    if (!option || select.value === zone) return;
    select.value = zone;
    var note = document.getElementById(select.id + "-browser");
    if (note) note.textContent = "Set to " + option.text + ", your device's time zone. Change it if that is wrong.";
  });
})();
