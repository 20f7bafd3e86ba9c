/* hireloop interviewer page: progressive enhancement only. Without this script the page is a
   plain form with Save draft and Submit; with it, the draft is also saved while typing. */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }

  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var csrf = form.getAttribute("data-csrf");
  var status = document.getElementById("autosave-status");
  var state = document.getElementById("scorecard-state");
  var timer = null;
  var inFlight = false;
  var again = false;
  var submitting = false;
  var DELAY_MS = 1200;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function clock() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds());
  }

  function save() {
    timer = null;
    if (submitting) {
      return;
    }
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "action") {
        body.append(key, value);
      }
    });
    say("Saving draft…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json"
      },
      body: body.toString()
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok) {
            say("Draft saved at " + clock() + ".");
            if (state && state.textContent === "not started") {
              state.textContent = "draft";
            }
          } else {
            var message = data && data.error ? data.error.message : "the server refused it";
            say("Draft not saved: " + message);
          }
        });
      })
      .catch(function () {
        say("Draft not saved: no connection. Keep this page open and use Save draft.");
      })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (submitting) {
      return;
    }
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(save, DELAY_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    if (submitting) {
      // A double click sends the scorecard once: the second would read as an amendment.
      event.preventDefault();
      return;
    }
    submitting = true;
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      submitting = false; // back from the history cache: the form can be sent again
    }
  });
})();
