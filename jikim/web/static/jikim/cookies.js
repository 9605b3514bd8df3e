// The cookie banner (jikim.policy): send the choice without leaving the page. Without
// this script the same form posts normally and comes back, so the choice works either way.
(function () {
  "use strict";
  function postNormally(form, button) {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = button.name;
    field.value = button.value;
    form.appendChild(field);
    HTMLFormElement.prototype.submit.call(form);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var banner = document.querySelector("[data-cookie-banner]");
    if (!banner || !window.fetch || !window.FormData) return;
    var form = banner.querySelector("form[data-cookie-choice]");
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.name) return; // let the browser post the form
      event.preventDefault();
      var data = new FormData(form);
      data.set(button.name, button.value);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      }).then(function (response) {
        if (response.ok) {
          banner.remove();
        } else {
          postNormally(form, button);
        }
      }, function () {
        postNormally(form, button);
      });
    });
  });
})();
