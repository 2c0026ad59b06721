// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Registration step 1: show only the date-of-birth calendar for the chosen ID type.
  function syncBirthDate() {
    var chosen = document.querySelector('input[name="id_type"]:checked');
    var hijri = document.querySelector('[data-calendar="hijri"]');
    var gregorian = document.querySelector('[data-calendar="gregorian"]');
    if (!hijri || !gregorian) { return; }
    var groups = [hijri.closest(".field"), gregorian.closest(".field")];
    if (!chosen) { groups.forEach(function (g) { g.hidden = false; }); return; }
    groups[0].hidden = chosen.value !== "citizen";
    groups[1].hidden = chosen.value !== "resident";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll('input[name="id_type"]').forEach(function (radio) {
      radio.addEventListener("change", syncBirthDate);
    });
    syncBirthDate();
    // A request waiting for payment or a decision: reload when its state changes
    // (the payment arrives from the bank, not from this page).
    var poll = document.querySelector("[data-poll-url]");
    if (poll && window.fetch) {
      var url = poll.getAttribute("data-poll-url"), state = poll.getAttribute("data-poll-state"), tries = 0;
      var timer = window.setInterval(function () {
        if (++tries > 120) { window.clearInterval(timer); return; }
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) { if (data && data.state !== state) { window.location.reload(); } })
          .catch(function () {});
      }, 5000);
    }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
// Visa step 1: the worker's gender follows the occupation. Each occupation's option says
// which genders it is open to (data-genders); the others are disabled and, when only one
// is left, it is chosen. Without this script the server does the same when "Show the
// genders for this occupation" is pressed, and refuses a mismatch with a field error.
(function () {
  "use strict";
  function syncWorkerGender(select) {
    var option = select.options[select.selectedIndex];
    var open = (option && option.getAttribute("data-genders")) || "";
    var enabled = [];
    document.querySelectorAll('input[name="worker_gender"]').forEach(function (radio) {
      var allowed = !open || open.indexOf(radio.value) !== -1;
      radio.disabled = !allowed;
      if (!allowed) { radio.checked = false; } else { enabled.push(radio); }
    });
    if (open && enabled.length === 1) { enabled[0].checked = true; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector('select[name="occupation"]');
    if (!select || !select.querySelector("option[data-genders]")) { return; }
    select.addEventListener("change", function () { syncWorkerGender(select); });
    // The script does what the button asks the server for: remove it (it would also be
    // the form's default button for the Enter key).
    document.querySelectorAll("[data-gender-refresh]").forEach(function (el) { el.remove(); });
    syncWorkerGender(select);
  });
})();
