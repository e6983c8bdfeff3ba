/* A recommendation list narrowed to a topic in place (a city page's "projects to learn from", a partner page's
   cities that fit it): a topic link or the words form fetch the same page for that topic and swap in its list, so
   the page keeps its scroll and the address follows (history). Without this script the links and the form load
   the page at the list, which works the same. */
(function () {
  "use strict";
  var form = document.querySelector("[data-topic-form]");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var name = form.closest("[data-recommendations]").getAttribute("data-recommendations");
  var selector = '[data-recommendations="' + name + '"]';
  var controller = null;

  function load(url, push) {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var section = document.querySelector(selector);
    var focused = document.activeElement;
    var which = focused && focused.closest && focused.closest(selector) ? (focused.id || focused.getAttribute("href")) : "";
    section.setAttribute("aria-busy", "true");
    fetch(url, {signal: controller.signal, headers: {Accept: "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
        var copy = document.importNode(fresh, true);
        document.querySelector(selector).replaceWith(copy);
        if (push) { history.pushState(null, "", url); }
        var again = which && (document.getElementById(which) || copy.querySelector('a[href="' + which + '"]'));
        (again || copy.querySelector("h2")).focus({preventScroll: true});
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { window.location.assign(url); }
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(selector + " .topic-chips a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    load(link.href, true);
  });
  document.addEventListener("submit", function (event) {
    var submitted = event.target.closest("[data-topic-form]");
    if (!submitted) { return; }
    event.preventDefault();
    var query = new URLSearchParams(new FormData(submitted)).toString();
    load(submitted.action.split("#")[0] + (query ? "?" + query : "") + "#rec-" + name, true);
  });
  window.addEventListener("popstate", function () { load(window.location.href, false); });
})();
