// The playground's editor: CodeMirror 6 over the page's <textarea id="editor">, which stays the
// app's model. Until this bundle loads (or if it fails), the textarea is the editor.
//
// The two are kept in step through the DOM, so the Leptos app needs no editor API:
// - typing here writes the textarea's value and fires `input`, as typing in it would;
// - the app setting the textarea's value (an example, a shared link) replaces this document;
// - the diagnostics list (`#diagnostics li` with data-from/-to/-severity) becomes squiggles;
// - the app's `covenant-jump` event on the textarea (a click on a diagnostic) moves the cursor.
//
// Built by esbuild into editor.js (Trunk.toml's hook); nothing is loaded from a CDN.

import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  HighlightStyle,
  StreamLanguage,
  bracketMatching,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { tags } from "@lezer/highlight";

/** Words that open, close or name the parts of a snippet. */
const KEYWORDS = new Set(
  (
    "snippet end effects effect signature fn param returns body step tests test metadata note types type " +
    "struct enum field variant requires tools tool relations relation content schema database module " +
    "extern case else then if match for in return bind input arg handle union branch query params " +
    "select from where join order limit offset insert update delete set values transaction traverse " +
    "parallel race construct item alias collection optional mut as on of lit var kind id"
  ).split(" "),
);

/** Covenant's tokens: comments (`//`, `(* *)`), strings (with escapes, or triple-quoted and raw),
 *  numbers, `key=` attribute names, keywords, type names and the `true`/`false`/`none` atoms. */
export const covenantLanguage = StreamLanguage.define({
  name: "covenant",
  startState: () => ({ inComment: false, inTriple: false }),
  token(stream, state) {
    if (state.inComment) {
      state.inComment = !skipPast(stream, "*)");
      return "comment";
    }
    if (state.inTriple) {
      state.inTriple = !skipPast(stream, '"""');
      return "string";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("(*")) {
      state.inComment = !skipPast(stream, "*)");
      return "comment";
    }
    if (stream.match('"""')) {
      state.inTriple = !skipPast(stream, '"""');
      return "string";
    }
    if (stream.eat('"')) {
      let escaped = false;
      let ch;
      while ((ch = stream.next()) !== undefined) {
        if (ch === '"' && !escaped) break;
        escaped = !escaped && ch === "\\";
      }
      return "string";
    }
    if (stream.match(/^-?\d+(\.\d+)?([eE][+-]?\d+)?(ms|s|m|h)?\b/)) return "number";
    if (stream.match(/^[A-Za-z_][\w.]*(?==)/)) return "attributeName";
    if (stream.match(/^[A-Za-z_][\w.]*/)) {
      const word = stream.current();
      if (word === "true" || word === "false" || word === "none") return "atom";
      if (KEYWORDS.has(word)) return "keyword";
      if (/^[A-Z]/.test(word)) return "typeName";
      return "variableName";
    }
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { line: "//" } },
});

/** Moves past `end` on this line; whether it was found. */
function skipPast(stream, end) {
  const at = stream.string.indexOf(end, stream.pos);
  if (at < 0) {
    stream.skipToEnd();
    return false;
  }
  stream.pos = at + end.length;
  return true;
}

/** Colours from the page's CSS variables, so light and dark themes follow the system. */
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--syntax-keyword)", fontWeight: "600" },
  { tag: tags.string, color: "var(--syntax-string)" },
  { tag: tags.number, color: "var(--syntax-number)" },
  { tag: tags.atom, color: "var(--syntax-number)" },
  { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
  { tag: tags.attributeName, color: "var(--syntax-attribute)" },
  { tag: tags.typeName, color: "var(--syntax-type)" },
]);

const theme = EditorView.theme({
  "&": { height: "100%", background: "var(--code-bg)", color: "var(--fg)", borderRadius: "6px" },
  "&.cm-focused": { outline: "2px solid var(--accent)" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, monospace', fontSize: "13px" },
  ".cm-gutters": { background: "var(--code-bg)", color: "var(--muted)", border: "none" },
  ".cm-activeLine, .cm-activeLineGutter": { background: "var(--active-line)" },
  ".cm-cursor": { borderLeftColor: "var(--fg)" },
  "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
    background: "var(--selection) !important",
  },
});

/** The diagnostics list as CodeMirror diagnostics (offsets are UTF-16, as CodeMirror counts). */
function listedDiagnostics(list, length) {
  return [...list.querySelectorAll("li[data-from]")].map((li) => {
    const from = Math.min(Number(li.dataset.from), length);
    const to = Math.min(Math.max(Number(li.dataset.to), from), length);
    return {
      from,
      to,
      severity: li.dataset.severity === "warning" ? "warning" : "error",
      message: li.dataset.message ?? li.textContent,
    };
  });
}

/** A read-only editor neither takes edits nor shows a caret (contenteditable=false). */
function lockedIf(locked) {
  return [EditorState.readOnly.of(locked), EditorView.editable.of(!locked)];
}

export function mount(textarea) {
  const native = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value");
  let fromEditor = false;
  const readOnly = new Compartment();
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        indentUnit.of("  "),
        covenantLanguage,
        syntaxHighlighting(highlight),
        lintGutter(),
        theme,
        readOnly.of(lockedIf(textarea.readOnly)),
        EditorView.contentAttributes.of({ "aria-label": "Covenant source" }),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          fromEditor = true;
          native.set.call(textarea, update.state.doc.toString());
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
          fromEditor = false;
        }),
      ],
    }),
  });
  // The app sets the textarea's value for examples and links: mirror it here.
  Object.defineProperty(textarea, "value", {
    configurable: true,
    get() {
      return native.get.call(this);
    },
    set(text) {
      native.set.call(this, text);
      if (!fromEditor && text !== view.state.doc.toString()) {
        view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      }
    },
  });
  // An embed's `readonly` may be set after the textarea appears.
  new MutationObserver(() =>
    view.dispatch({ effects: readOnly.reconfigure(lockedIf(textarea.readOnly)) }),
  ).observe(textarea, { attributes: true, attributeFilter: ["readonly"] });
  textarea.after(view.dom);
  textarea.classList.add("replaced");
  view.dom.id = "code";

  const list = document.getElementById("diagnostics");
  const squiggle = () => view.dispatch(setDiagnostics(view.state, listedDiagnostics(list, view.state.doc.length)));
  if (list) {
    new MutationObserver(squiggle).observe(list, { childList: true, subtree: true, attributes: true });
    squiggle();
  }
  textarea.addEventListener("covenant-jump", () => {
    const length = view.state.doc.length;
    const anchor = Math.min(textarea.selectionStart, length);
    const head = Math.min(Math.max(textarea.selectionEnd, anchor), length);
    view.dispatch({ selection: { anchor, head }, scrollIntoView: true });
    view.focus();
  });
  window.covenantEditor = view;
  return view;
}

// The app renders the textarea once its wasm has loaded: mount as soon as it is there.
function whenPresent() {
  const textarea = document.getElementById("editor");
  if (textarea) {
    mount(textarea);
    return true;
  }
  return false;
}
if (!whenPresent()) {
  const watcher = new MutationObserver(() => {
    if (whenPresent()) watcher.disconnect();
  });
  watcher.observe(document.body, { childList: true, subtree: true });
}
