/* Warns before the idle session timeout; "Tiếp tục làm việc" pings the keep-alive URL.
   External file on purpose: no inline scripts, so a strict CSP can be set later. */
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-session-idle") || "", 10);
  var warnBefore = parseInt(body.getAttribute("data-session-warning") || "120", 10);
  var url = body.getAttribute("data-keepalive-url");
  if (!idle || !url) { return; }
  var box = document.getElementById("session-warning");
  var button = document.getElementById("session-keepalive");
  var csrf = document.querySelector('meta[name="csrf-token"]');
  var warnTimer = null;
  var expireTimer = null;

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warnTimer = setTimeout(function () {
      box.hidden = false;
      button.focus();
    }, Math.max(idle - warnBefore, 0) * 1000);
    // After expiry the next request shows "Phiên làm việc đã hết hạn…"
    expireTimer = setTimeout(function () { window.location.reload(); }, (idle + 2) * 1000);
  }

  button.addEventListener("click", function () {
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.content : "", "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (response.ok) {
        box.hidden = true;
        schedule();
      } else {
        window.location.reload();
      }
    }).catch(function () { window.location.reload(); });
  });
  schedule();
})();
