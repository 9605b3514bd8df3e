// A form with data-confirm asks before it posts: revoking an API key or a member's access,
// or resetting a courier layout, is one click otherwise. Without this script the form
// posts straight away, as before.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
})();
