/* Completion in the /query editor as you type, from this app's /api/complete (the graph's own names and counts):
   - after `?x a ` (or rdf:type): the classes that have instances, largest first;
   - where a predicate goes, after a subject whose class the query states (`?x a ascn:City`): that class's
     properties, most used first (every property, when the class is unknown);
   - where an object goes: the entities instances of the subject's class link to by that predicate, so each
     suggestion keeps the pattern's answer non-empty; typed text matches any word of their names.
   window.AscnComplete.register(Yasqe, url, prefixes) registers the "ascn-terms" completer (autoShow: it opens
   without Ctrl+Space). The query text is read with a small tokenizer; nothing leaves this app. */
(function () {
  "use strict";

  const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
  const TOKEN = /(#[^\n]*)|(<[^<>\s]*>?)|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|([?$][\w]+)|([A-Za-z][\w-]*(?:\.[\w-]+)*)?(:[\w%-]*(?:[\w.%\/-]*[\w%\/-])?)|([{}.;,()\[\]])|([^\s{}.;,()\[\]<>"']+)/g;

  /* The query as tokens: {text, kind}; comments are dropped. */
  function tokenize(text) {
    const out = [];
    let m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) {
      if (m[1]) continue;
      const kind = m[2] ? "iri" : m[3] ? "literal" : m[4] ? "var" : m[6] !== undefined ? "pname" : m[7] ? "punc" : "word";
      out.push({ text: m[0], kind: kind });
    }
    return out;
  }

  function expand(token, prefixes) {
    if (!token) return null;
    if (token.kind === "iri") return token.text.replace(/^<|>$/g, "");
    if (token.kind === "word" && token.text === "a") return RDF_TYPE;
    if (token.kind === "pname") {
      const i = token.text.indexOf(":");
      const ns = prefixes[token.text.slice(0, i)];
      return ns === undefined ? null : ns + token.text.slice(i + 1);
    }
    return null;
  }

  /* Walk the triple patterns of `tokens`: calls visit(subject, predicate, object) for each whole triple and
     returns where the last, unfinished statement stands: {expect: "subject"|"predicate"|"object", s, p}. */
  function walk(tokens, visit) {
    let s = null, p = null, expect = "subject";
    for (const t of tokens) {
      if (t.kind === "punc" && (t.text === "{" || t.text === "}" || t.text === ".")) {
        s = p = null; expect = "subject"; continue;
      }
      if (t.kind === "punc" && t.text === ";") { p = null; expect = "predicate"; continue; }
      if (t.kind === "punc" && t.text === ",") { expect = "object"; continue; }
      if (t.kind === "punc") { s = p = null; expect = "none"; continue; }
      if (t.kind === "word" && /^(@|\^\^)/.test(t.text)) continue; // a literal's language tag or datatype
      if (t.kind === "word" && /^[A-Za-z]+$/.test(t.text) && !/^(a|true|false)$/.test(t.text)) {
        s = p = null; expect = "none"; continue; // FILTER, OPTIONAL, SELECT …: not a triple pattern
      }
      if (expect === "subject") { s = t; expect = "predicate"; }
      else if (expect === "predicate") { p = t; expect = "object"; }
      else if (expect === "object") { if (visit) visit(s, p, t); expect = "after"; }
    }
    return { expect: expect, s: s, p: p };
  }

  /* Where the cursor is: the completion to ask for, and the text typed so far. */
  function context(yasqe, prefixes) {
    const doc = yasqe.getDoc();
    const cursor = doc.getCursor();
    const before = doc.getRange({ line: 0, ch: 0 }, cursor);
    const line = doc.getLine(cursor.line).slice(0, cursor.ch);
    const typed = (line.match(/(<[^<>\s]*|[^\s{}();,<>"'.]*(?:\.[^\s{}();,<>"'.]+)*)$/) || [""])[0];
    if (/^[?$]/.test(typed) || /^\s*(PREFIX|BASE)\b/i.test(line)) return null;
    if (!/\b(WHERE|CONSTRUCT|DESCRIBE|ASK)\b|\{/i.test(before)) return null;
    const place = walk(tokenize(before.slice(0, before.length - typed.length)));
    if (place.expect !== "predicate" && place.expect !== "object") return null;
    const all = {};
    walk(tokenize(doc.getValue()), (s, p, o) => {
      if (expand(p, prefixes) === RDF_TYPE && s.kind !== "literal" && !all[s.text]) all[s.text] = expand(o, prefixes);
    });
    const cls = place.s ? all[place.s.text] || null : null;
    if (place.expect === "predicate") return { kind: "property", cls: cls, typed: typed };
    const predicate = expand(place.p, prefixes);
    if (predicate === RDF_TYPE) return { kind: "class", typed: typed };
    if (!predicate) return null;
    return { kind: "entity", cls: cls, predicate: predicate, typed: typed };
  }

  function register(Yasqe, url, known) {
    let lastResults = {};

    function prefixes(yasqe) {
      return Object.assign({}, known, yasqe.getPrefixesFromQuery());
    }

    function written(result, declared) {
      const pname = result.prefixed;
      if (pname[0] !== "<" && declared[pname.slice(0, pname.indexOf(":"))] !== undefined) return pname;
      return "<" + result.iri + ">";
    }

    Yasqe.registerAutocompleter({
      name: "ascn-terms",
      bulk: false,
      autoShow: true,
      persistenceId: null,
      onInitialize: (yasqe) => {
        // A space closes whatever list was open (a variable's, say) only after Yasqe has looked for completions,
        // so where a space starts a new term (after `?x a `) the list is opened here, once the old one is gone.
        yasqe.on("inputRead", (cm, change) => {
          if (!/\s$/.test(change.text.join("\n"))) return;
          setTimeout(() => {
            const completer = yasqe.autocompleters["ascn-terms"];
            if (completer && !yasqe.state.completionActive && context(yasqe, prefixes(yasqe))) completer.autocomplete(false);
          }, 0);
        });
      },
      isValidCompletionPosition: (yasqe) => context(yasqe, prefixes(yasqe)) !== null,
      preProcessToken: (yasqe, token) => {
        const ctx = context(yasqe, prefixes(yasqe));
        const cursor = yasqe.getDoc().getCursor();
        const typed = ctx ? ctx.typed : "";
        token.autocompletionString = typed;
        token.ascn = ctx;
        token.from = { line: cursor.line, ch: cursor.ch - typed.length };
        token.to = { line: cursor.line, ch: cursor.ch };
        return token;
      },
      get: (yasqe, token) => {
        const ctx = token && token.ascn;
        if (!ctx) return Promise.resolve([]);
        const declared = yasqe.getPrefixesFromQuery();
        let q = ctx.typed.replace(/^</, "");
        const colon = q.indexOf(":");
        if (colon >= 0 && !/^https?:/.test(q)) q = q.slice(colon + 1);
        const params = new URLSearchParams({ q: q, limit: "15" });
        if (ctx.kind === "class") params.set("kind", "class");
        if (ctx.kind === "property") params.set("kind", "property");
        if (ctx.cls) params.set("class", ctx.cls);
        if (ctx.kind === "entity") params.set("predicate", ctx.predicate);
        return fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" } })
          .then((r) => (r.ok ? r.json() : { results: [] }))
          .then((body) => {
            lastResults = {};
            return body.results.map((result) => {
              const text = written(result, declared);
              lastResults[text] = result;
              return text;
            });
          });
      },
      postProcessSuggestion: (yasqe, token, suggestion) => suggestion,
      postprocessHints: (yasqe, hints) => hints.map((hint) => {
        const result = lastResults[hint.text];
        if (result) {
          hint.displayText = result.label + "  ·  " + result.prefixed + "  (" + result.count + ")";
          hint.className = "ascn-hint";
        }
        return hint;
      }),
    });
  }

  window.AscnComplete = { register: register, context: context, tokenize: tokenize };
})();
