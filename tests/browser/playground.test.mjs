// The built playground in headless Chromium (playwright-core, the system browser): the world pane
// shows the imports, Run prints the greeting, a mistake shows a diagnostic, no request leaves the
// loopback server, and no page error occurs. Screenshots go to test-artifacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
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
  page = await browser.newPage();
  await page.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin + "/" === server.url || url.protocol === "blob:" || url.protocol === "data:") {
      return route.continue();
    }
    offLoopback.push(url.href);
    return route.abort();
  });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(`console: ${m.text()}`);
  });
  mkdirSync(artifacts, { recursive: true });
  await page.goto(server.url);
});

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
  await page.fill("#editor", source.replace('fn="console.println"', 'fn="console.prinln"'));
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0);
  const diag = await page.textContent("#diagnostics li");
  assert.match(diag, /E-SYMBOL-001/);
  assert.match(diag, /console\.prinln/);
  assert.match(diag, /did you mean `console\.println`/);
  assert.ok(await page.isDisabled("#run"));
  await page.screenshot({ path: join(artifacts, "playground-diagnostic.png"), fullPage: true });
  // Fixing it recompiles and clears the diagnostic.
  await page.fill("#editor", source);
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length === 0);
  assert.ok(!(await page.isDisabled("#run")));
});

test("every gallery example runs in the page with its expected output", async () => {
  const examples = runnableExamples();
  const offered = await page.$$eval("#examples option", (os) => os.map((o) => o.value));
  assert.deepEqual([...offered].sort(), examples.map((e) => e.name).sort(), "the gallery lists every example");
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

test("Stop ends a runaway program, keeps the page responsive, and the timeout ends one too", async () => {
  await page.selectOption("#examples", "fibonacci");
  const source = await page.inputValue("#editor");
  await page.fill("#editor", source.replace("lit=25", "lit=60"));
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  let before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForFunction(() => !document.querySelector("#stop").disabled);
  // While the program runs, the page still compiles as the text changes.
  await page.fill("#editor", source.replace('fn="math.fib"', 'fn="math.fibb"'));
  await page.waitForFunction(() => document.querySelectorAll("#diagnostics li").length > 0, null, { timeout: 5000 });
  assert.ok(!(await page.isDisabled("#stop")), "the program is still running");
  await page.click("#stop");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 10000 });
  assert.equal(await page.textContent("#run-error"), "stopped");
  await page.fill("#editor", source.replace("lit=25", "lit=60"));
  await page.waitForFunction(() => !document.querySelector("#run").disabled);
  // A short timeout ends the run by itself.
  await page.evaluate(() => (window.covenantRunner.timeoutMs = 500));
  before = Number(await page.getAttribute("#output", "data-runs"));
  await page.click("#run");
  await page.waitForSelector(`#output[data-runs="${before + 1}"]`, { state: "attached", timeout: 10000 });
  assert.match(await page.textContent("#run-error"), /^timeout: the program ran longer than 0.5 s/);
  await page.evaluate(() => (window.covenantRunner.timeoutMs = 10000));
});

test("no request left the loopback server and no page error occurred", () => {
  assert.deepEqual(offLoopback, []);
  assert.deepEqual(pageErrors, []);
  assert.ok(server.requests.some((r) => r.includes("js-component-bindgen-component")), "transpiler was served locally");
});
