/* hireloop: every page. A table wider than its box scrolls inside .table-scroll; a keyboard
   reaches that scroll only when the box can take focus (WCAG 2.1.1), so each box without a
   tabindex in its template gets one, as a named region (its caption, else the heading
   before it). */
(function () {
  "use strict";
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
    }
    return "Table";
  }
  document.querySelectorAll(".table-scroll:not([tabindex])").forEach(function (box) {
    box.tabIndex = 0;
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      box.setAttribute("aria-label", nameOf(box));
    }
  });
})();
