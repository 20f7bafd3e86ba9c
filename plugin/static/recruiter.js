/* hireloop loop editor: live coverage check and suggestions (progressive enhancement).
   Without this script every button of the editor still works as a plain form submit. */
(function () {
  "use strict";
  var form = document.getElementById("loop-form");
  var lint = document.getElementById("lint");
  if (!form || !lint || !window.fetch) { return; }
  var status = document.getElementById("lint-status");
  var url = lint.getAttribute("data-lint-url");
  var csrf = form.querySelector("input[name=csrf_token]");
  var timer = null;
  var sequence = 0;
  var suggestions = {};

  function body() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { data.append(key, value); });
    return data;
  }

  function showSuggestions(map) {
    suggestions = map || {};
    var nodes = form.querySelectorAll("[data-suggestion-for]");
    Array.prototype.forEach.call(nodes, function (node) {
      var s = suggestions[node.getAttribute("data-suggestion-for")];
      node.textContent = "";
      if (!s) { return; }
      if (s.format) {
        node.appendChild(document.createTextNode("Suggested: "));
        var strong = document.createElement("strong");
        strong.textContent = s.format_name;
        node.appendChild(strong);
        node.appendChild(document.createTextNode(" \u2192 " + s.names.join(", ") +
          " (confidence " + Math.round(s.confidence * 100) + "%). " + s.reason));
      } else {
        node.textContent = "No suggestion: " + s.reason;
      }
    });
  }

  function check() {
    var mine = ++sequence;
    if (status) { status.textContent = "Checking\u2026"; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": csrf ? csrf.value : "",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json"
      },
      body: body()
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) { return; }  // a newer check is on its way
      lint.innerHTML = data.html;
      lint.setAttribute("data-checked", String(mine));
      showSuggestions(data.suggestions);
      if (status) { status.textContent = "Checked " + new Date().toLocaleTimeString() + "."; }
    }).catch(function () {
      if (status) { status.textContent = "Could not check the loop; use the Check button."; }
    });
  }

  function schedule(delay) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, delay);
  }

  form.addEventListener("change", function () { schedule(50); });
  form.addEventListener("input", function (event) {
    if (event.target && event.target.type === "text") { schedule(400); }
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-apply]") : null;
    if (!button) { return; }
    var key = button.getAttribute("data-apply");
    var s = suggestions[key];
    if (!s || !s.format) { return; }  // let the form submit; the server explains
    event.preventDefault();
    var prefix = key + "-";
    var select = form.querySelector("select[name='" + prefix + "format']");
    if (select) { select.value = s.format; }
    var boxes = form.querySelectorAll("input[name='" + prefix + "competencies']");
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = s.competencies.indexOf(box.value) !== -1;
    });
    schedule(0);
  });

  // Seed the suggestions for "Use suggestion" from a first check.
  check();
})();
