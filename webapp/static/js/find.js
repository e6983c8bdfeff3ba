/* Find projects: apply a facet as soon as it is ticked (the form works without this script through its
   Apply button). The whole search stays in the form's GET query string, so the URL can be shared. */
(function () {
  "use strict";
  var form = document.getElementById("find-form");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    if (event.target && event.target.type === "checkbox") {
      form.submit();
    }
  });
})();
