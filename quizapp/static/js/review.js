// Review without a full reload, and with the keyboard: Space shows the answer (or continues),
// 1-4 rate, U undoes. Without this script every control is a plain link or form.
// The keys do nothing while a control has focus (Space presses a focused button, digits go into
// fields) or when the learner turned them off in the review settings (data-shortcuts="off").
// After each step focus moves to the new card (never to <body>), and a live region reads out
// the verdict or the card's back.
(function () {
  "use strict";

  function onControl(target) {
    return target.closest("a, button, summary, input, textarea, select, [contenteditable]") !== null;
  }

  var announcer = document.createElement("div");
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  announcer.setAttribute("data-review-announcer", "");
  document.body.appendChild(announcer);

  function announce(text) {
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text.replace(/\s+/g, " ").trim(); }, 50);
  }

  function swap(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    if (!fresh) { window.location.assign(url); return; }
    document.querySelector("main").replaceWith(fresh);
    document.title = doc.title;
    if (url) { history.replaceState(null, "", url); }
    var focus = fresh.querySelector("[data-focus]") || fresh.querySelector("h1");
    if (focus) { focus.focus(); }
    var news = fresh.querySelector("[data-announce]");
    if (news) { announce(news.textContent); }
  }

  function load(url, options) {
    return fetch(url, Object.assign({ credentials: "same-origin" }, options || {}))
      .then(function (response) { return response.text().then(function (html) { swap(html, response.url); }); })
      .catch(function () { window.location.assign(url); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-ajax]")) { return; }
    event.preventDefault();
    load(form.action, { method: "POST", body: new FormData(form, event.submitter) });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-ajax]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    load(link.href);
  });

  document.addEventListener("keydown", function (event) {
    var study = document.querySelector("[data-study]");
    if (!study || study.getAttribute("data-shortcuts") === "off" || onControl(event.target) ||
        event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = null;
    if (event.key === " ") {
      target = document.querySelector("[data-reveal], [data-continue]");
    } else if (/^[1-4]$/.test(event.key)) {
      target = document.querySelector('button[data-rating="' + event.key + '"]');
    } else if (event.key === "u" || event.key === "U") {
      target = document.querySelector("[data-undo]");
    }
    if (target) {
      event.preventDefault();
      target.click();
    }
  });
})();
