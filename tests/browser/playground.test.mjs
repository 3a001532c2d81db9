// The built playground in headless Chromium (playwright-core, the system browser): the world pane
// shows the imports, Run prints the greeting, a mistake shows a diagnostic, no request leaves the
// loopback server, and no page error occurs. Screenshots go to test-artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../support/static-server.mjs";
import { root, runnableExamples } from "../support/examples.mjs";

const dist = join(root, "dist");
const artifacts = join(root, "test-artifacts");
const chromiumPath = process.env.COVENANT_CHROMIUM ?? "/usr/bin/chromium";

let server, browser, page;
const offLoopback = [];
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(join(dist, "index.html")), "dist/ is missing: scripts/build-playground.sh builds it");
  server = await serve(dist);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  page = await openPage();
  mkdirSync(artifacts, { recursive: true });
  await page.goto(server.url);
});

/** A page in a fresh context (own storage) that may only reach the loopback server. */
async function openPage() {
  const p = await browser.newPage();
  await p.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin + "/" === server.url || url.protocol === "blob:" || url.protocol === "data:") {
      return route.continue();
    }
    offLoopback.push(url.href);
    return route.abort();
  });
  p.on("pageerror", (e) => pageErrors.push(String(e)));
  p.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });
  return p;
}

/** Replaces the program by typing into the editor (CodeMirror), as a person would; waits until
 *  the app's model (the textarea behind it) has the text. */
async function setSource(p, text) {
  await p.fill("#code .cm-content", text);
  await p.waitForFunction((want) => document.querySelector("#editor").value === want, text);
}

after(async () => {
  await browser?.close();
  await server?.close();
});

test("the world pane shows the stdout import and the import table names the effect", async () => {
  await page.waitForFunction(() => document.querySelector("#world")?.textContent.includes("wasi:cli/stdout"));
  const world = await page.textContent("#world");
  assert.match(world, /import wasi:cli\/stdout@0\.2\.12;/);
  assert.match(world, /export wasi:cli\/run@0\.2\.12;/);
  const rows = await page.$$eval("#imports tbody tr", (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((r) => r.includes("console") && r.includes("wasi:cli/stdout")), rows.join("\n"));
});

test("Run transpiles the component in the page and prints the greeting", async () => {
  await page.click("#run");
  await page.waitForSelector('#output[data-runs="1"]', { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#run-error"), "");
  assert.equal(await page.textContent("#output"), "Hello, world!\n");
  await page.screenshot({ path: join(artifacts, "playground-hello.png"), fullPage: true });
});

test("running twice works (stdout is not closed by the first run)", async () => {
  await page.click("#run");
  await page.waitForSelector('#output[data-runs="2"]', { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#run-error"), "");
  assert.equal(await page.textContent("#output"), "Hello, world!\n");
});

test("an error in the source shows a diagnostic with its code and disables Run", async () => {
  const source = await page.inputValue("#editor");
  await setSource(page, source.replace('fn="console.println"', 'fn="console.prinln"'));
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0);
  const diag = await page.textContent("#diagnostics li");
  assert.match(diag, /E-SYMBOL-001/);
  assert.match(diag, /console\.prinln/);
  assert.match(diag, /did you mean `console\.println`/);
  assert.ok(await page.isDisabled("#run"));
  await page.screenshot({ path: join(artifacts, "playground-diagnostic.png"), fullPage: true });
  // Fixing it recompiles and clears the diagnostic.
  await setSource(page, source);
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length === 0);
  assert.ok(!(await page.isDisabled("#run")));
});

test("every gallery example runs in the page with its expected output", async () => {
  const examples = runnableExamples();
  const offered = await page.$$eval("#examples option", (os) => os.map((o) => o.value));
  const all = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".cov")).map((f) => f.slice(0, -4));
  assert.deepEqual([...offered].sort(), all.sort(), "the gallery lists every example");
  for (const example of examples) {
    const before = Number(await page.getAttribute("#output", "data-runs"));
    await page.selectOption("#examples", example.name);
    await page.waitForFunction(() => !document.querySelector("#run").disabled);
    await page.click("#run");
    await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 30000 });
    assert.equal(await page.textContent("#run-error"), "", example.name);
    assert.equal(await page.textContent("#output"), example.stdout.toString("utf8"), example.name);
  }
});

test("a database program runs on SQLite in the page, which then shows its tables", async () => {
  await page.selectOption("#examples", "database");
  await page.waitForFunction(() => document.querySelector("#world")?.textContent.includes("covenant:database/sql"));
  const rows = await page.$$eval("#imports tr", (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((r) => r.includes("database") && r.includes("covenant:database/sql")), rows.join("\n"));
  const before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#run-error"), "");
  const tables = await page.textContent("#tables");
  assert.match(tables, /^books \(3 rows\)\nid \| title \| year\n1 \| The Art of Computer Programming \| 1968\n/, tables);
  await page.screenshot({ path: join(artifacts, "playground-database.png"), fullPage: true });
});

test("the WAT pane prints the component when opened", async () => {
  await page.selectOption("#examples", "hello");
  await page.click("#wat-pane summary");
  await page.waitForFunction(() => document.querySelector("#wat")?.textContent.startsWith("(component"), null, {
    timeout: 30000,
  });
  const wat = await page.textContent("#wat");
  assert.match(wat, /\(import "wasi:cli\/stdout@0\.2\.12"/);
  assert.match(wat, /\(export [^\n]*"wasi:cli\/run@0\.2\.12"/);
  await page.click("#wat-pane summary");
});

test("Stop ends a runaway program, keeps the page responsive, and the timeout ends one too", async () => {
  await page.selectOption("#examples", "fibonacci");
  const source = await page.inputValue("#editor");
  await setSource(page, source.replace("lit=25", "lit=60"));
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  let before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForFunction(() => !document.querySelector("#stop").disabled);
  // While the program runs, the page still compiles as the text changes.
  await setSource(page, source.replace('fn="math.fib"', 'fn="math.fibb"'));
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0, null, { timeout: 5000 });
  assert.ok(!(await page.isDisabled("#stop")), "the program is still running");
  await page.click("#stop");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 10000 });
  assert.equal(await page.textContent("#run-error"), "stopped");
  await setSource(page, source.replace("lit=25", "lit=60"));
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  // A short timeout ends the run by itself.
  await page.evaluate(() => (window.covenantRunner.timeoutMs = 500));
  before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 10000 });
  assert.match(await page.textContent("#run-error"), /^timeout: the program ran longer than 0.5 s/);
  await page.evaluate(() => (window.covenantRunner.timeoutMs = 10000));
});

test("Ctrl+Enter runs, and clicking a diagnostic selects its span in the editor", async () => {
  await page.selectOption("#examples", "hello");
  const hello = await page.inputValue("#editor");
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  const before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#code .cm-content");
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#output"), "Hello, world!\n");

  const broken = hello.replace('fn="console.println"', 'fn="console.prinln"');
  await setSource(page, broken);
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0);
  // The diagnostic is a squiggle under the misspelt name in the editor.
  await page.waitForSelector("#code .cm-lintRange-error");
  assert.equal(await page.textContent("#code .cm-lintRange-error"), '"console.prinln"');
  await page.click("#diagnostics li");
  const selection = await page.evaluate(() => {
    const { from, to } = window.covenantEditor.state.selection.main;
    return [from, to, document.querySelector("#code").contains(document.activeElement)];
  });
  const at = broken.indexOf('"console.prinln"');
  assert.deepEqual(selection, [at, at + '"console.prinln"'.length, true]);
  await setSource(page, hello);
});

test("a share link opens the program without running it; a damaged link says so and leaves the editor empty", async () => {
  const code = (await page.inputValue("#editor")).replace("Hello, world!", "Hello from a link ✓");
  await setSource(page, code);
  // The link follows the editor (encoded asynchronously; an encoding of an earlier text may
  // land first): wait until the link carries this code.
  await page.waitForFunction(async (want) => {
    const link = document.querySelector("#share").value;
    const at = link.indexOf("#v1=");
    if (at < 0) return false;
    try {
      return (await window.covenantShare.decode(link.slice(at))).code === want;
    } catch {
      return false;
    }
  }, code);
  // Ctrl+S copies the link (the notice confirms) instead of saving the page.
  await page.keyboard.press("Control+s");
  await page.waitForFunction(() => document.querySelector("#notice").textContent.includes("copied"));
  const link = await page.inputValue("#share");

  const shared = await openPage();
  await shared.goto(link);
  // A fresh page mounts the app after load: its elements may not exist yet.
  await shared.waitForFunction(() => document.querySelector("#editor")?.value.length > 0);
  assert.equal(await shared.inputValue("#editor"), code);
  assert.match(await shared.textContent("#notice"), /Loaded a shared program\. It runs only when you click Run\./);
  await shared.waitForTimeout(500);
  assert.equal(await shared.getAttribute("#output", "data-runs"), "0");
  assert.equal(await shared.textContent("#output"), "");
  await shared.click("#run");
  await shared.waitForSelector('#output[data-runs="1"]', { state: "attached", timeout: 30000 });
  assert.equal(await shared.textContent("#output"), "Hello from a link ✓\n");
  await shared.close();

  const damaged = await openPage();
  await damaged.goto(server.url + "#v1=not-a-program");
  await damaged.waitForFunction(() => document.querySelector("#notice")?.textContent.length > 0);
  assert.match(await damaged.textContent("#notice"), /Could not open the shared program: this share link is damaged/);
  assert.equal(await damaged.inputValue("#editor"), "");
  await damaged.close();
});

test("embed.js turns a documentation block into a live embed only when the reader clicks Run", async () => {
  const docs = await openPage();
  await docs.goto(server.url + "embed-demo.html");
  await docs.waitForSelector("button.covenant-run");
  assert.equal(await docs.locator("iframe").count(), 0, "nothing loads before a click");
  assert.equal(await docs.locator("button.covenant-run").count(), 2);
  await docs.locator("button.covenant-run").first().click();
  const frame = docs.frameLocator("iframe.covenant-embed");
  await frame.locator('#output[data-runs="1"]').waitFor({ state: "attached", timeout: 30000 });
  assert.equal(
    await frame.locator("#output").textContent(),
    "Hello from the docs!\n",
    `run error: ${await frame.locator("#run-error").textContent()}`,
  );
  // Embed mode: no gallery, share link or download; the chosen panes only.
  assert.equal(await frame.locator("#examples").isVisible(), false);
  assert.equal(await frame.locator("#share").isVisible(), false);
  assert.equal(await frame.locator("#download").isVisible(), false);
  assert.equal(await frame.locator("#world").isVisible(), true);
  assert.equal(await frame.locator("#imports").isVisible(), false);
  // The other block is still a button; the embed did not touch this browser's autosave.
  assert.equal(await docs.locator("button.covenant-run").count(), 1);
  await docs.screenshot({ path: join(artifacts, "embed-demo.png"), fullPage: true });
  await docs.close();
});

test("embed options: read-only, and no run without `run`", async () => {
  const code = await page.evaluate(() => window.covenantShare.encode('snippet id="m" kind="fn"\nend\n', ""));
  const embed = await openPage();
  await embed.goto(server.url + "?embed&readonly&panes=output,diagnostics" + code);
  await embed.waitForFunction(() => document.querySelector("#editor")?.value.length > 0);
  assert.equal(await embed.getAttribute("#editor", "readonly"), "");
  await embed.waitForSelector("#code .cm-content");
  assert.equal(await embed.getAttribute("#code .cm-content", "contenteditable"), "false");
  await embed.waitForSelector("#diagnostics li");
  assert.equal(await embed.locator("#diagnostics").isVisible(), true);
  await embed.waitForTimeout(300);
  assert.equal(await embed.getAttribute("#output", "data-runs"), "0");
  await embed.close();
});

test("autosave restores the last program after a reload, without running it", async () => {
  await page.selectOption("#examples", "hello");
  const code = (await page.inputValue("#editor")).replace('lit="Hello, world!"', 'lit="Hello, autosave!"');
  assert.ok(code.includes("Hello, autosave!"));
  await setSource(page, code);
  await page.reload();
  await page.waitForFunction(() => document.querySelector("#editor")?.value.includes("Hello, autosave!"));
  assert.equal(await page.inputValue("#editor"), code);
  assert.match(await page.textContent("#notice"), /Restored your last program/);
  assert.equal(await page.textContent("#diagnostics"), "");
  await page.waitForTimeout(300);
  assert.equal(await page.getAttribute("#output", "data-runs"), "0");
  await page.screenshot({ path: join(artifacts, "playground-restored.png"), fullPage: true });
});

test("Download offers the compiled component, byte for byte what the status reports", async () => {
  await page.selectOption("#examples", "hello");
  await page.waitForFunction(() => !document.querySelector("#download").disabled);
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  assert.equal(download.suggestedFilename(), "app.wasm");
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0], "a component's preamble");
  const status = await page.textContent("#status");
  assert.ok(status.includes(`${bytes.length} bytes`), `${status} vs ${bytes.length}`);
});

test("the editor highlights Covenant, and the gallery is grouped by topic", async () => {
  await page.selectOption("#examples", "hello");
  await page.waitForSelector("#code .cm-line");
  assert.equal(await page.isVisible("#editor"), false, "CodeMirror replaced the textarea");
  // Keywords (`snippet`), strings and attribute names (`id=`) are coloured differently.
  const colours = await page.evaluate(() => {
    const colour = (text) => {
      const span = [...document.querySelectorAll("#code .cm-line span")].find((s) => s.textContent === text);
      return span && getComputedStyle(span).color;
    };
    return [colour("snippet"), colour('"Hello, world!"'), colour("id")];
  });
  assert.ok(colours.every(Boolean), JSON.stringify(colours));
  assert.equal(new Set(colours).size, 3, JSON.stringify(colours));
  // The world pane's WIT is highlighted too.
  await page.waitForSelector("#world .wit-path");
  assert.deepEqual(await page.$$eval("#world .wit-path", (ps) => ps.map((p) => p.textContent)), [
    "covenant:program",
    "wasi:cli/stdout@0.2.12",
    "wasi:cli/run@0.2.12",
  ]);
  assert.deepEqual(await page.$$eval("#world .wit-keyword", (ks) => ks.map((k) => k.textContent)), [
    "package",
    "world",
    "import",
    "export",
  ]);
  const groups = await page.$$eval("#examples optgroup", (gs) => gs.map((g) => g.label));
  assert.deepEqual(groups.slice(0, 3), ["Basics", "Text and data", "Effects"]);
});

test("a row of the import table and of the exports selects the source that caused it", async () => {
  await page.selectOption("#examples", "hello");
  await page.waitForSelector("#imports tbody tr");
  await page.click("#imports tbody tr");
  const source = await page.inputValue("#editor");
  const picked = await page.evaluate(() => {
    const { from, to } = window.covenantEditor.state.selection.main;
    return window.covenantEditor.state.sliceDoc(from, to);
  });
  assert.ok(picked.length > 0 && source.includes(picked), picked);
  assert.match(picked, /console\.println/);
  const exports = await page.$$eval("#exports tbody tr", (trs) => trs.map((tr) => tr.textContent));
  assert.ok(exports.some((e) => e.includes("wasi:cli/run@0.2.12") && e.includes("main")), exports.join("\n"));
});

test("a program that calls an API runs offline against the built-in routes, and the requests are listed", async () => {
  await page.selectOption("#examples", "api");
  await page.waitForFunction(() => document.querySelector("#editor").value.includes("api.example.com"));
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  const before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#run-error"), "");
  assert.equal(
    await page.textContent("#output"),
    '200 {"id":1,"name":"Ada Lovelace","email":"ada@example.com"}\n404 {"error":"no user 9"}\nping\n',
  );
  assert.equal(
    await page.textContent("#requests"),
    [
      "GET http://api.example.com/users/1 -> 200 (built in)",
      "GET http://api.example.com/users/9 -> 404 (built in)",
      "POST http://api.example.com/echo -> 200 (built in)",
    ].join("\n"),
  );
  await page.screenshot({ path: join(artifacts, "playground-http.png"), fullPage: true });
});

test("a request to any other declared host goes out through fetch (here, the loopback server)", async () => {
  await page.selectOption("#examples", "api");
  await page.waitForFunction(() => document.querySelector("#editor").value.includes("api.example.com"));
  const api = await page.inputValue("#editor");
  const local = api.replaceAll('host="api.example.com"', 'host="127.0.0.1"').replaceAll("http://api.example.com/", server.url);
  await setSource(page, local);
  await page.waitForFunction(() => !document.querySelector("#run").disabled && !document.querySelector("#diagnostics li"));
  const before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 30000 });
  assert.equal(await page.textContent("#run-error"), "");
  // The test server has none of these paths: each answer is its real 404.
  assert.equal(await page.textContent("#output"), "404 not found\n404 not found\nnot found\n");
  assert.equal(
    await page.textContent("#requests"),
    [`GET ${server.url}users/1 -> 404`, `GET ${server.url}users/9 -> 404`, `POST ${server.url}echo -> 404`].join("\n"),
  );
  assert.ok(server.requests.includes("/users/9") && server.requests.includes("/echo"), server.requests.join(" "));
});

test("Format gives the canonical layout (covenant fmt's), and leaves a program that does not parse alone", async () => {
  await page.selectOption("#examples", "hello");
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  const hello = await page.inputValue("#editor");
  // Indentation lost and blank lines doubled: Format restores the example's layout.
  const messy = hello.split("\n").map((l) => l.trimStart()).join("\n").replace("\n\n", "\n\n\n\n");
  await setSource(page, messy);
  await page.click("#format");
  await page.waitForFunction((want) => document.querySelector("#editor").value === want, hello);
  // Shift+Alt+F does the same from the keyboard.
  await setSource(page, messy);
  await page.keyboard.press("Shift+Alt+KeyF");
  await page.waitForFunction((want) => document.querySelector("#editor").value === want, hello);
  const broken = 'snippet id="a" kind="fn"\nbody\n';
  await setSource(page, broken);
  await page.click("#format");
  await page.waitForFunction(() => document.querySelector("#notice").textContent.includes("Format needs"));
  assert.equal(await page.inputValue("#editor"), broken);
  await setSource(page, hello);
});

test("the compiler runs in a long-lived worker; quick edits end with the last one's result", async () => {
  assert.ok(server.requests.some((r) => r.includes("compile-worker_bg.wasm")), "the compile worker was loaded");
  await page.selectOption("#examples", "hello");
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  const hello = await page.inputValue("#editor");
  const count = Number(await page.getAttribute("#status", "data-compiles"));
  // Three edits without waiting: the earlier ones are never shown (debounced or dropped as stale).
  for (const word of ["one", "two", "three"]) {
    await page.fill("#code .cm-content", hello.replace("Hello, world!", `Hello, ${word}!`).replace('"console.println"', `"console.${word}"`));
  }
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0);
  await page.waitForFunction(() => !document.querySelector("#status").textContent.startsWith("compiling"));
  const messages = await page.$$eval("#diagnostics li", (lis) => lis.map((li) => li.textContent));
  assert.equal(messages.length, 1, messages.join("\n"));
  assert.match(messages[0], /console\.three/);
  assert.ok(Number(await page.getAttribute("#status", "data-compiles")) - count <= 2, "at most one stale answer was shown");
  await setSource(page, hello);
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
});

test("budgets: the first compile needs at most 1.5 MB compressed, the largest example compiles in 50 ms", async () => {
  const { gzipSync } = await import("node:zlib");
  const fresh = await openPage();
  const sizes = new Map();
  fresh.on("response", async (r) => {
    try {
      sizes.set(new URL(r.url()).pathname, gzipSync(await r.body()).length);
    } catch {
      /* a response without a body */
    }
  });
  await fresh.goto(server.url);
  await fresh.waitForFunction(() => document.querySelector("#status")?.textContent.startsWith("compiled in"));
  await fresh.waitForSelector("#code .cm-line");
  await fresh.waitForLoadState("networkidle");
  const initial = [...sizes.values()].reduce((a, b) => a + b, 0);
  assert.ok(!sizes.has("/vendor/jco/js-component-bindgen-component.js"), "the transpiler loads on the first Run");
  // The largest example, compiled a few times (the first compile warms the page up).
  const sized = runnableExamples().map((e) => ({ ...e, size: readFileSync(e.path).length }));
  const largest = sized.reduce((a, b) => (b.size > a.size ? b : a));
  let millis = Infinity;
  for (const name of [largest.name, "hello", largest.name, "hello", largest.name]) {
    const count = Number(await fresh.getAttribute("#status", "data-compiles"));
    await fresh.selectOption("#examples", name);
    await fresh.waitForFunction((n) => Number(document.querySelector("#status").dataset.compiles) > n, count);
    const status = await fresh.textContent("#status");
    if (name === largest.name) millis = Math.min(millis, Number(/compiled in ([\d.]+) ms/.exec(status)[1]));
  }
  assert.ok(millis > 0, "the compile time is measured");
  const report = { initialBytesGzip: initial, largestExample: largest.name, compileMillis: millis };
  writeFileSync(join(artifacts, "budgets.json"), JSON.stringify({ ...report, files: Object.fromEntries(sizes) }, null, 2));
  console.log(`budgets: ${JSON.stringify(report)}`);
  assert.ok(initial <= 1.5e6, `initial download ${initial} bytes compressed`);
  assert.ok(millis <= 50, `${largest.name} compiled in ${millis} ms`);
  await fresh.close();
});

test("the layout works on a phone and on a desktop (screenshots in test-artifacts/)", async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.goto(server.url);
  await phone.waitForSelector("#code .cm-line");
  await phone.waitForFunction(() => document.querySelector("#world")?.textContent.includes("wasi:cli/run"));
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - screen.width);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  // The world pane starts below the editor, not under it.
  const editorBottom = (await phone.locator("#code").boundingBox()).y + (await phone.locator("#code").boundingBox()).height;
  assert.ok((await phone.locator("#world").boundingBox()).y >= editorBottom, "the panes do not overlap");
  const box = await phone.locator("#code").boundingBox();
  assert.ok(box.width >= 300 && box.height >= 200, JSON.stringify(box));
  assert.ok(await phone.isVisible("#run"));
  await phone.screenshot({ path: join(artifacts, "playground-phone.png"), fullPage: true });
  await phone.close();
  const desktop = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await desktop.goto(server.url);
  await desktop.waitForSelector("#code .cm-line");
  await desktop.waitForFunction(() => document.querySelector("#world")?.textContent.includes("wasi:cli/run"));
  await desktop.screenshot({ path: join(artifacts, "playground-desktop.png") });
  // The dark theme follows the system's preference, editor included.
  const background = () => desktop.evaluate(() => getComputedStyle(document.querySelector("#code .cm-editor, #code")).backgroundColor);
  const light = await background();
  await desktop.emulateMedia({ colorScheme: "dark" });
  const dark = await background();
  assert.notEqual(light, dark);
  await desktop.screenshot({ path: join(artifacts, "playground-desktop-dark.png") });
  await desktop.close();
});

test("when the runner's scripts cannot be loaded, Run says so and the page still works", async () => {
  // A page of its own: refusing a script makes Chromium log an error, which the shared page would count.
  const p = await browser.newPage();
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  await p.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin + "/" !== server.url) return route.abort();
    return url.pathname === "/project.js" ? route.abort() : route.continue();
  });
  await p.goto(server.url);
  await p.waitForFunction(() => !document.querySelector("#run").disabled);
  await p.click("#run");
  await p.waitForSelector('#output[data-runs="1"]', { state: "attached", timeout: 10000 });
  assert.match(await p.textContent("#run-error"), /the runner's scripts could not be loaded/);
  assert.ok(!(await p.isDisabled("#run")), "Run can be clicked again");
  // The compiler still answers edits.
  await setSource(p, (await p.inputValue("#editor")).replace('fn="console.println"', 'fn="console.printn"'));
  await p.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0, null, { timeout: 5000 });
  assert.deepEqual(errors, []);
  await p.close();
});

test("no request left the loopback server and no page error occurred", () => {
  assert.deepEqual(offLoopback, []);
  assert.deepEqual(pageErrors, []);
  assert.ok(server.requests.some((r) => r.includes("js-component-bindgen-component")), "transpiler was served locally");
});
