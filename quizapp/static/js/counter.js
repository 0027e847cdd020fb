/* Character counters for the editor's long text fields (textarea or input with data-limit).
   Without this script each field's hint still says its limit; the server refuses a longer text
   with a message and keeps it in the field. Here the count shows as "n / limit" while typing, and
   a polite live region announces it once typing pauses (not at every key). Counts characters as
   the server does: code points, one per line break. */
(function () {
  "use strict";

  function length(text) {
    return Array.from(text).length;
  }

  function setUp(field) {
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    if (!limit) {
      return;
    }
    var counter = document.createElement("p");
    counter.className = "counter";
    counter.id = field.id + "-count";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(counter.id);
    field.setAttribute("aria-describedby", described.join(" "));
    var timer = null;

    function show() {
      var n = length(field.value);
      var text = n.toLocaleString("en-GB") + " / " + limit.toLocaleString("en-GB");
      if (n > limit) {
        text += ": " + (n - limit).toLocaleString("en-GB") + " too many";
      }
      counter.textContent = text;
      counter.classList.toggle("counter-over", n > limit);
    }

    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(show, 400);
    });
    show();
  }

  document.querySelectorAll("[data-limit]").forEach(setUp);
})();
