// Live countdown of the OTP lifetime ("Mã sẽ hết hạn 02:57") and of the resend cooldown.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function mmss(s) { return pad(Math.floor(s / 60)) + ":" + pad(s % 60); }
  var el = document.getElementById("otp-countdown");
  if (el) {
    var left = parseInt(el.getAttribute("data-seconds"), 10) || 0;
    var end = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = s > 0 ? el.getAttribute("data-label") + " " + mmss(s) : el.getAttribute("data-expired");
      if (s > 0) { setTimeout(tick, 1000); }
    };
    tick();
  }
  var resend = document.getElementById("otp-resend");
  if (resend) {
    var wait = parseInt(resend.getAttribute("data-wait"), 10) || 0;
    var label = resend.textContent;
    var until = Date.now() + wait * 1000;
    var tock = function () {
      var s = Math.max(0, Math.round((until - Date.now()) / 1000));
      if (s > 0) {
        resend.setAttribute("aria-disabled", "true");
        resend.textContent = label + " (" + s + "s)";
        setTimeout(tock, 1000);
      } else {
        resend.removeAttribute("aria-disabled");
        resend.textContent = label;
      }
    };
    tock();
  }
})();
