/* A button that copies the private link. Without this script the button stays hidden and the
   link is plain text to select and copy. */
(function () {
  "use strict";

  function tell(button, key) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) { status.textContent = status.getAttribute(key); }
  }

  function fallback(text) {
    /* Older browsers, and pages served without HTTPS, have no clipboard API. */
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done;
  }

  function copy(button) {
    var text = button.getAttribute("data-copy");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { tell(button, "data-copied"); },
        function () { tell(button, fallback(text) ? "data-copied" : "data-failed"); }
      );
    } else {
      tell(button, fallback(text) ? "data-copied" : "data-failed");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
}());
