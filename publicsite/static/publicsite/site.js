// Progressive enhancement only: every page works without JavaScript.
(function () {
  // Move focus to the error summary so it is read first; its links focus the input they name.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (input) {
        event.preventDefault();
        input.scrollIntoView({ block: "center" });
        input.focus();
      }
    });
  }
  // "Print the receipt" buttons (the browser's own Print works anyway).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
