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
    document.querySelectorAll("[data-captcha]").forEach(setUpCaptcha);
  });

  // The verification code (musaned/core/templates/core/widgets/captcha.html): "Show a new
  // code" and "Listen to the code" work in place, without sending the form. Without this
  // script they are submit buttons and the server shows the form again as typed.
  function setUpCaptcha(box) {
    var status = box.querySelector("[data-captcha-status]");
    var image = box.querySelector("img.captcha__image");
    var audioBlock = box.querySelector(".captcha__audio");
    var audio = audioBlock && audioBlock.querySelector("audio");
    var download = audioBlock && audioBlock.querySelector("a[download]");
    var key = box.querySelector('input[type="hidden"][name$="_0"]');
    var answer = box.querySelector('input[name$="_1"]');

    function submitInstead(button) {
      // The server does the same without the script: the form comes back as typed.
      if (button.form && button.form.requestSubmit) { button.form.requestSubmit(button); }
      else if (button.form) { button.form.submit(); }
    }

    function listen(button) {
      audioBlock.hidden = false;
      if (!audioBlock.querySelector('input[name$="_listen"]')) {
        // Keep the spoken code shown when the form comes back (e.g. a wrong answer).
        var flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = button.name.replace(/_action$/, "_listen");
        flag.value = "1";
        audioBlock.appendChild(flag);
      }
      button.hidden = true;
      audio.focus();
      var playing = audio.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
    }

    function refresh(button) {
      if (!window.fetch) { submitInstead(button); return; }
      button.disabled = true;
      fetch(box.getAttribute("data-refresh-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" }
      })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var old = key.value;
          key.value = data.key;
          image.src = data.image_url;
          if (audio) {
            var src = audio.getAttribute("src").replace(old, data.key);
            audio.setAttribute("src", src);
            download.setAttribute("href", download.getAttribute("href").replace(old, data.key));
            if (!audioBlock.hidden) { audio.load(); }
          }
          answer.value = "";
          status.textContent = "";
          window.setTimeout(function () { status.textContent = box.getAttribute("data-refreshed"); }, 100);
          button.disabled = false;
        })
        .catch(function () { button.disabled = false; submitInstead(button); });
    }

    box.addEventListener("click", function (event) {
      var button = event.target.closest("button.captcha__action");
      if (!button) { return; }
      event.preventDefault();
      if (button.value === "audio" && audio) { listen(button); } else { refresh(button); }
    });
  }
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
