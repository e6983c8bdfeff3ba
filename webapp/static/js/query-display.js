/* How /query reads, on top of the vendored Yasgui (loaded before this file):
   - the results table never parses a value from the answer as markup (cells, filter and sort data);
   - the results table shows a literal as its plain value, with its language as a small tag and a datatype other
     than a plain string or number as a muted one (not "…"@en or "…"^^xsd:string);
   - a syntax error names its place, and a button puts the cursor there;
   - Yasgui's own controls get the names and roles assistive technology needs (its tab strip, endpoint field,
     editor, page-size menu, scrolling editor, the table's row-number column), kept as Yasgui redraws them;
   - Esc leaves the editor, where Tab indents, for the next control;
   - the library's examples can be searched by title, description and tags, and their list folds away;
   - the table's CSV download gives a value that would run as a spreadsheet formula as text. */
(function () {
  "use strict";

  const root = document.getElementById("yasgui");
  if (!root || !window.Yasgui) return;
  const Yasgui = window.Yasgui.default || window.Yasgui.Yasgui || window.Yasgui;
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const PLAIN = [XSD + "string", XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float", XSD + "int",
                 XSD + "long", XSD + "boolean"];

  function escape(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function shortName(iri, prefixes) {
    for (const prefix in prefixes || {}) {
      if (iri.indexOf(prefixes[prefix]) === 0) return prefix + ":" + iri.slice(prefixes[prefix].length);
    }
    return iri;
  }

  /* Literals as values; the table plugin builds cells as HTML, so everything from the answer is escaped here. */
  const Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table && Table.prototype.formatLiteral) {
    Table.prototype.formatLiteral = function (literal, prefixes) {
      let html = escape(literal.value);
      if (literal["xml:lang"]) {
        html += ' <span class="lit-tag" title="language">' + escape(literal["xml:lang"]) + "</span>";
      } else if (literal.datatype && PLAIN.indexOf(literal.datatype) < 0) {
        html += ' <span class="lit-tag datatype" title="' + escape(literal.datatype) + '">' +
          escape(shortName(literal.datatype, prefixes)) + "</span>";
      }
      return html;
    };
  }

  /* The table plugin's filter and sort data run the raw value through DOMPurify, and DataTables then parses the
     filter text in a detached element, where an <img onerror=…> in the data would load and fire (the
     Content-Security-Policy refuses it, but the page must not depend on that). Here the filter text is the
     escaped value, which that parse turns back into the same plain text, and sorting uses the value as is. */
  if (Table && Table.prototype.getColumns) {
    const columns = Table.prototype.getColumns;
    Table.prototype.getColumns = function () {
      return columns.call(this).map((column, index) => {
        if (index === 0 || !column.render) return column;  // the row number
        const render = column.render;
        return Object.assign({}, column, {
          render(binding, type, row, meta) {
            if (!binding || binding === "" || (type && type !== "filter" && type !== "sort")) {
              return render.call(this, binding, type, row, meta);
            }
            return type === "sort" ? binding.value : escape(binding.value);
          },
        });
      });
    };
  }

  /* The table's "Download result" is a CSV to open in a spreadsheet, written here from the answer's values: a value
     that starts with =, +, -, @, a tab or a CR would run there as a formula (=HYPERLINK(...) from a loaded name), so
     it starts with a quote, as OWASP advises and the Find projects download does (webapp/pages.py: _as_text). The
     endpoint's own SPARQL CSV, which programs read, stays exact. */
  function csvCell(text) {
    const cell = /^[=+\-@\t\r]/.test(text) ? "'" + text : text;
    return /[",\r\n]/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell;
  }

  if (Table && Table.prototype.download) {
    const download = Table.prototype.download;
    Table.prototype.download = function (filename) {
      const info = download.call(this, filename);
      return Object.assign({}, info, {
        getData: () => {
          const results = this.yasr.results;
          if (!results || !results.getVariables || !results.getBindings) return info.getData();
          const names = results.getVariables();
          const lines = [names.map(csvCell).join(",")];
          results.getBindings().forEach((row) => {
            lines.push(names.map((name) => {
              const term = row[name];
              if (!term) return "";
              return csvCell(term.type === "bnode" ? "_:" + term.value : term.value);
            }).join(","));
          });
          return lines.join("\r\n") + "\r\n";
        },
      });
    };
  }

  /* Leaving the editor from the keyboard. Tab indents in the editor, so Esc moves the focus to the editor's frame
     (its scroller, "SPARQL query editor"), from where Tab goes on to the next control and Enter goes back in. Yasqe's
     own Esc only blurred the text, and the next Tab reached the frame, which sent the focus straight back in: a
     keyboard user could not get past the editor. Esc still closes an open list of suggestions first (its own key). */
  const Yasqe = Yasgui.Yasqe;
  if (Yasqe && Yasqe.defaults && Yasqe.defaults.extraKeys) {
    Yasqe.defaults.extraKeys.Esc = function (cm) {
      const scroller = cm.getScrollerElement();
      scroller.dataset.ascnLeaving = "true";
      scroller.focus();
    };
  }

  /* Names and roles for Yasgui's controls. */
  function label(element, text) {
    if (element && !element.getAttribute("aria-label")) element.setAttribute("aria-label", text);
  }

  function patch() {
    root.querySelectorAll(".tabsList button.addTab").forEach((button) => {
      // the only child of the tab strip that is not a tab: as a tab that opens a new one, the strip stays valid
      button.setAttribute("role", "tab");
      button.setAttribute("aria-selected", "false");
    });
    root.querySelectorAll(".tabsList .tab input[type=text]").forEach((input) => label(input, "Name of this tab"));
    root.querySelectorAll("input.autocomplete").forEach((input) => label(input, "SPARQL endpoint"));
    root.querySelectorAll(".CodeMirror textarea").forEach((area) => {
      label(area, "SPARQL query");
      area.setAttribute("aria-describedby", "editor-keys");
    });
    root.querySelectorAll("select.tableSizer, .tableSizer select").forEach((select) => label(select, "Rows per page"));
    root.querySelectorAll(".dataTables_filter input, input.tableFilter").forEach((input) => label(input, "Filter the results"));
    root.querySelectorAll(".CodeMirror-scroll").forEach((scroller) => {
      if (scroller.dataset.ascnFocusable) return;  // CodeMirror itself sets tabindex -1, out of the Tab order
      scroller.dataset.ascnFocusable = "true";
      scroller.setAttribute("tabindex", "0");
      scroller.setAttribute("aria-label", "SPARQL query editor");
      const enter = () => {
        const editor = scroller.closest(".CodeMirror");
        if (editor && editor.CodeMirror) editor.CodeMirror.focus();
      };
      scroller.addEventListener("focus", () => {  // Tab lands on the editor itself, unless Esc just left it
        if (scroller.dataset.ascnLeaving) delete scroller.dataset.ascnLeaving;
        else enter();
      });
      scroller.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.target === scroller) {
          event.preventDefault();
          enter();
        }
      });
    });
    root.querySelectorAll(".yasr_btn").forEach((button) => {
      // a view that cannot show this answer is greyed by a class alone: say so to assistive technology too
      button.setAttribute("aria-disabled", String(button.classList.contains("disabled")));
    });
    root.querySelectorAll(".yasr_results thead th").forEach((th) => {
      if (th.textContent.trim()) return;  // the row-number column's header is empty: it gets a name
      const name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = "Row";
      th.appendChild(name);
    });
    root.querySelectorAll(".errorResult").forEach(placeError);
  }

  /* A syntax error's "(line L, column C)" becomes a button that puts the cursor there. */
  function placeError(box) {
    if (box.querySelector(".error-position")) return;
    const match = /line (\d+), column (\d+)/.exec(box.textContent);
    if (!match) return;
    const line = Number(match[1]);
    const column = Number(match[2]);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "error-position secondary";
    button.textContent = "Go to line " + line + ", column " + column;
    button.addEventListener("click", () => {
      const yasqe = window.ascnYasgui && window.ascnYasgui.getTab().getYasqe();
      if (!yasqe) return;
      const at = { line: line - 1, ch: Math.max(0, column - 1) };
      yasqe.focus();
      yasqe.setCursor(at);
      yasqe.scrollIntoView(at, 80);
    });
    box.insertBefore(button, box.firstChild);
  }

  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(() => { queued = false; patch(); });
  }).observe(root, { childList: true, subtree: true });

  /* The examples panel: searching it (every word must be in the title, description or tags) unfolds its list;
     the list folds with its button, and folds itself once an example is opened, so the editor and the answer
     come into view. */
  const search = document.getElementById("example-search");
  const examples = Array.from(document.querySelectorAll(".example-list li"));
  const count = document.getElementById("example-count");
  const list = document.getElementById("example-groups");
  const toggle = document.getElementById("examples-toggle");
  const total = count ? count.textContent : "";
  const questions = new Set(examples.map((item) => item.querySelector("button.example").dataset.query)).size;

  function unfold(open) {
    if (!list || !toggle) return;
    list.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = open ? "Hide the list" : "Show the list";
  }

  if (toggle) toggle.addEventListener("click", () => unfold(list.hidden));
  if (list) {
    list.addEventListener("click", (event) => {
      if (!event.target.closest("button.example")) return;
      unfold(false);
      document.querySelector(".query-editor").scrollIntoView({ block: "start" });
    });
  }
  if (search) {
    search.addEventListener("input", () => {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      const shown = new Set();
      examples.forEach((item) => {
        const text = (item.dataset.search || item.textContent).toLowerCase();
        const hit = words.every((w) => text.indexOf(w) >= 0);
        item.hidden = !hit;
        if (hit) shown.add(item.querySelector("button.example").dataset.query);
      });
      document.querySelectorAll(".example-group").forEach((group) => {
        group.hidden = !group.querySelector(".example-list li:not([hidden])");
      });
      unfold(true);
      if (count) count.textContent = words.length ? shown.size + " of " + questions + " questions match." : total;
    });
  }
})();
