/* The data page while the recommender's evaluation is still being computed: the page asks for itself every
   10 seconds in the background and puts the evaluation in place once it is there — no reload, so nobody's
   reading or keyboard position is lost (a <meta refresh> would reload the whole page under them). */
(function () {
  "use strict";
  var section = document.getElementById("evaluation-section");
  if (!section || !section.hasAttribute("data-pending") || !window.fetch || !window.DOMParser) { return; }
  function poll() {
    fetch(window.location.href, {headers: {Accept: "text/html"}, cache: "no-store"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById("evaluation-section");
        if (fresh && !fresh.hasAttribute("data-pending")) {
          document.getElementById("evaluation-section").replaceWith(document.importNode(fresh, true));
        } else {
          window.setTimeout(poll, 10000);
        }
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 10000);
})();
