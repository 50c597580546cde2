/*
 * QR login on the SSO login page (VNeID "Cách 2").
 *
 * Creates a QR bound to this browser's session, polls its status every 2 s, swaps in the
 * server-rendered state fragment when the status changes, counts down to expiry, renews an
 * expired QR without reloading the page, and submits the completion form once the VNeID
 * app approved. Loaded as an external file because the CSP forbids inline scripts.
 */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var block = document.querySelector("[data-qr-block]");
  if (!block) {
    return;
  }
  var container = block.querySelector("[data-qr-container]");
  var csrfInput = block.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var state = null;
  var deadline = 0;
  var pollTimer = null;
  var tickTimer = null;
  var creating = false;
  var renewWhenVisible = false;

  function stopTimers() {
    window.clearInterval(pollTimer);
    window.clearInterval(tickTimer);
    pollTimer = null;
    tickTimer = null;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function swap(html) {
    var hadFocus = container.contains(document.activeElement);
    stopTimers();
    container.innerHTML = html;
    state = container.querySelector("[data-qr-state]");
    if (hadFocus) {
      var target = container.querySelector("button, input, summary") || block;
      if (target === block) {
        block.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
    wire();
  }

  function create() {
    if (creating) {
      return;
    }
    if (document.hidden) {
      renewWhenVisible = true;
      return;
    }
    creating = true;
    stopTimers();
    var body = new URLSearchParams();
    body.set("next", block.dataset.next || "");
    fetch(block.dataset.createUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf },
      body: body,
    })
      .then(function (response) {
        return response.text();
      })
      .then(swap)
      .catch(function () {
        window.setTimeout(create, 5 * POLL_MS);
      })
      .finally(function () {
        creating = false;
      });
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var el = container.querySelector("[data-countdown]");
    if (el) {
      el.textContent = pad(Math.floor(left / 60)) + ":" + pad(left % 60);
    }
    if (left <= 0) {
      create();
    }
  }

  function reloadState() {
    fetch(state.dataset.stateUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("state " + response.status);
        }
        return response.text();
      })
      .then(swap)
      .catch(create);
  }

  function poll() {
    if (document.hidden || !state) {
      return;
    }
    fetch(state.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.status !== state.dataset.status) {
          reloadState();
        } else {
          deadline = Date.now() + data.expires_in * 1000;
        }
      })
      .catch(function () {
        /* A missed poll is retried on the next tick. */
      });
  }

  function wire() {
    if (!state) {
      return;
    }
    var status = state.dataset.status;
    var again = state.querySelector("[data-qr-new]");
    if (again) {
      again.addEventListener("click", create);
    }
    if (status === "pending" || status === "scanned") {
      deadline = Date.now() + Number(state.dataset.expiresIn || 0) * 1000;
      tickTimer = window.setInterval(tick, 1000);
      pollTimer = window.setInterval(poll, POLL_MS);
    } else if (status === "approved") {
      var form = state.querySelector("[data-qr-complete]");
      if (form) {
        form.submit();
      }
    } else if (status === "expired") {
      create();
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      return;
    }
    if (renewWhenVisible) {
      renewWhenVisible = false;
      create();
    } else {
      poll();
    }
  });

  create();
})();
