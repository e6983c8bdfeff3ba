/* The /query data panel: a click on a class or property inserts it at the editor's cursor, as a prefixed name
   when the query declares its prefix (else as a full <IRI>). The editor is window.ascnYasgui (query.js). */
(function () {
  "use strict";

  function written(yasqe, button) {
    const term = button.dataset.term;
    const colon = term.indexOf(":");
    if (term[0] === "<" || colon < 0) return term;
    const declared = yasqe.getPrefixesFromQuery();
    return declared[term.slice(0, colon)] !== undefined ? term : "<" + button.dataset.iri + ">";
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button.term[data-term]");
    if (!button || !window.ascnYasgui) return;
    const yasqe = window.ascnYasgui.getTab().getYasqe();
    const text = written(yasqe, button);
    const doc = yasqe.getDoc();
    const cursor = doc.getCursor();
    const before = doc.getLine(cursor.line).slice(0, cursor.ch);
    doc.replaceSelection((before && !/\s$/.test(before) ? " " : "") + text + " ");
    yasqe.focus();
  });
})();
