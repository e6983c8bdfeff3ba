/* Find projects without full reloads. The form works on its own (Apply, links, a GET query string); this script
   fetches the same page for the new search and swaps in its facet lists and results, so the focused control,
   the scroll position and each facet list's own scroll stay where they were. The address follows every change
   (history), so a search can still be shared, and Back steps through them. On narrow screens the filters sit in
   a drawer opened by the "Filters" button. The fetched page is the app's own escaped HTML, parsed by DOMParser. */
(function () {
  "use strict";
  var form = document.getElementById("find-form");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var drawer = document.getElementById("find-filters");
  var toggle = form.querySelector(".filters-toggle");
  var controller = null;
  var typing = null;
  var FIELDS = ["q", "from", "to", "sort"];

  form.classList.add("js-find");
  toggle.hidden = false;

  function openDrawer(open) {
    form.classList.toggle("drawer-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      drawer.querySelector("input, select, button").focus();
    } else {
      toggle.focus();
    }
  }
  toggle.addEventListener("click", function () { openDrawer(!form.classList.contains("drawer-open")); });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && form.classList.contains("drawer-open")) { openDrawer(false); }
  });

  function searchUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && !(key === "sort" && value === "name")) { params.append(key, value); }
    });
    var query = params.toString();
    return form.action + (query ? "?" + query : "");
  }

  function swap(doc) {
    form.querySelectorAll("[data-facet]").forEach(function (old) {
      var key = old.getAttribute("data-facet");
      var fresh = doc.querySelector('[data-facet="' + key + '"]');
      if (!fresh) { return; }
      var list = old.querySelector("ul");
      var top = list ? list.scrollTop : 0;
      var copy = document.importNode(fresh, true);
      old.replaceWith(copy);
      var newList = copy.querySelector("ul");
      if (newList) { newList.scrollTop = top; }
    });
    var results = document.getElementById("find-results");
    var freshResults = document.importNode(doc.getElementById("find-results"), true);
    var count = document.getElementById("result-count");  // the live region stays the same element
    count.textContent = freshResults.querySelector("#result-count").textContent;
    freshResults.querySelector("#result-count").replaceWith(count);
    results.replaceWith(freshResults);
    [".filters-toggle", ".drawer-close"].forEach(function (selector) {
      form.querySelector(selector).textContent = doc.querySelector(selector).textContent;
    });
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      var fresh = doc.getElementById(name);
      if (field && fresh && field !== document.activeElement) { field.value = fresh.value; }
    });
    document.title = doc.title;
  }

  function load(url, how) {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var focused = document.activeElement ? document.activeElement.id : "";
    var scroll = window.scrollY;
    form.setAttribute("aria-busy", "true");
    fetch(url, {signal: controller.signal, headers: {Accept: "text/html"}})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        swap(new DOMParser().parseFromString(html, "text/html"));
        if (how === "push") { history.pushState(null, "", url); }
        var again = focused && document.getElementById(focused);
        if (again && again !== document.activeElement) { again.focus({preventScroll: true}); }
        window.scrollTo(window.scrollX, how === "page" ? form.offsetTop : scroll);
        if (how === "page") { history.pushState(null, "", url); }
        form.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { window.location.assign(url); }
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "q") { return; }  // typed words are searched as they are typed, below
    load(searchUrl(), "push");
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q" && event.target.type !== "number") { return; }
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { load(searchUrl(), "push"); }, 300);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(searchUrl(), "push");
  });
  form.addEventListener("click", function (event) {
    if (event.target.closest(".drawer-close")) { openDrawer(false); return; }
    var link = event.target.closest("a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (link.closest(".pager")) {
      event.preventDefault();
      load(link.href, "page");
    } else if (link.closest(".active-filters") || link.classList.contains("clear-all")) {
      event.preventDefault();
      load(link.href, "push");
    }
  });
  window.addEventListener("popstate", function () { load(window.location.href, "replace"); });
})();
