// Live Covenant examples in documentation pages. Every <pre class="covenant"> gets a Run button;
// nothing else loads until the reader clicks it. Then the block becomes the playground in embed
// mode (an iframe from the site that served this script), which compiles and runs the program.
//
//   <script src="https://playground.example/embed.js" data-panes="output,world" data-readonly></script>
//
// data-panes: the panes to show (output, world, imports, diagnostics, wat; default output);
// data-readonly: the reader cannot edit the program.
(() => {
  const script = document.currentScript;
  const site = new URL(".", script.src);
  // Pane names are plain words: anything else is dropped.
  const panes = (script.dataset.panes ?? "output").replace(/[^a-z,]/g, "");
  const readonly = "readonly" in script.dataset;
  let share;

  /** The playground's share-link encoder (share.js), loaded on the first click. */
  function loadShare() {
    share ??= new Promise((resolve, reject) => {
      if (window.covenantShare) return resolve(window.covenantShare);
      const s = document.createElement("script");
      s.src = new URL("share.js", site).href;
      s.onload = () => resolve(window.covenantShare);
      s.onerror = () => reject(new Error("the playground could not be reached"));
      document.head.append(s);
    });
    return share;
  }

  for (const pre of document.querySelectorAll("pre.covenant")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "covenant-run";
    button.textContent = "Run";
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const hash = await (await loadShare()).encode(pre.textContent, "");
        const frame = document.createElement("iframe");
        frame.className = "covenant-embed";
        frame.title = "Covenant playground";
        frame.src = `${site.href}?embed&run&panes=${panes}${readonly ? "&readonly" : ""}${hash}`;
        frame.style.cssText = "width: 100%; height: 36em; border: 1px solid #8886; border-radius: 6px;";
        pre.replaceWith(frame);
        button.remove();
      } catch (e) {
        button.disabled = false;
        button.textContent = `Run (${e.message})`;
      }
    });
    pre.after(button);
  }
})();
