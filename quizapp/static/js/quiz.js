// A quiz question page: after "Check answer" focus lands on the feedback, and a timed test
// counts down (the server stays the authority: it refuses late answers and closes the attempt),
// announces 5 and 1 minutes left politely, and submits "Finish" at zero.
(function () {
  "use strict";
  var ANSWERED = "quizapp-answered";

  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-answer-form]")) {
      sessionStorage.setItem(ANSWERED, new URL(event.target.action, location.href).pathname);
    }
  });

  var answered = sessionStorage.getItem(ANSWERED);
  sessionStorage.removeItem(ANSWERED);
  var heading = document.getElementById("feedback-heading");
  if (heading && answered === location.pathname) { heading.focus(); }

  var left = document.querySelector("[data-time-left]");
  if (!left) { return; }
  var announcer = document.querySelector("[data-time-announcer]");
  var end = Date.now() + 1000 * parseInt(left.getAttribute("data-time-left"), 10);
  var before = Infinity;
  var timer = null;

  function say(text) {
    if (announcer) { announcer.textContent = text; }
  }

  function tick() {
    var seconds = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    left.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
    if (before > 300 && seconds <= 300 && seconds > 60) { say("5 minutes left."); }
    if (before > 60 && seconds <= 60 && seconds > 0) { say("1 minute left."); }
    before = seconds;
    if (seconds === 0) {
      clearInterval(timer);
      say("Time is up: your answers are being submitted.");
      var finish = document.querySelector("form[data-finish-form]");
      if (finish) { finish.requestSubmit(); }
    }
  }

  before = Math.max(0, Math.ceil((end - Date.now()) / 1000)) + 1;  // a page opened with 4 minutes left says nothing of 5
  tick();
  timer = setInterval(tick, 1000);
})();
