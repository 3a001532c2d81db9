// Every runnable example, transpiled by jco and run under Node with preview2-shim, prints exactly
// its expected stdout. A second test runs the playground's own runner (public/runner-core.js)
// with jco's transpiler component, the same code path the browser takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { transpile } from "@bytecodealliance/jco";
import { generate, $init } from "@bytecodealliance/jco-transpile/component";
import { runComponent } from "../../public/runner-core.js";
import { symbolsInComponent } from "../support/project-query.mjs";
import { pathToFileURL } from "node:url";
import { compileExample, exampleCalls, exampleDirs, root, runnableExamples, workDir } from "../support/examples.mjs";
import { invokeWave, parseWorld } from "../support/wave.mjs";

const examples = runnableExamples();

/** Transpiles a component with jco into `dir`; returns the generated module's path. */
async function transpileTo(bytes, name, dir) {
  // preview2-shim has no wasi:keyvalue or covenant:database; the playground's shims stand in.
  const map = {
    "wasi:keyvalue/*": pathToFileURL(join(root, "public", "kv.js")).href + "#*",
    "covenant:database/*": pathToFileURL(join(root, "tests", "support", "sqlite-sql.mjs")).href + "#*",
    "covenant:project/*": pathToFileURL(join(root, "tests", "support", "project-query.mjs")).href + "#*",
  };
  const { files } = await transpile(bytes, { name, outDir: dir, quiet: true, map });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, contents);
  }
  // The program's symbol graph, for tests/support/project-query.mjs.
  return { entry: join(dir, `${name}.js`), symbols: symbolsInComponent(bytes) };
}

test("there are examples to run", () => {
  assert.ok(examples.length >= 2, `found ${examples.length}`);
});

for (const example of examples) {
  // preview2-shim's wasi:http would go to the real api.example.com; the playground runner's test
  // below answers it with the built-in routes.
  const network = readFileSync(example.path, "utf8").includes("effect network")
    ? "calls an HTTP API: run by the playground runner's test instead"
    : false;
  test(`jco + preview2-shim under Node: ${example.name}`, { skip: network }, async () => {
    const dir = workDir(join("node", example.name));
    const { entry, symbols } = await transpileTo(compileExample(example, dir), example.name, dir);
    // Each declared directory is a fresh one on disk, and the only preopen.
    const preopens = Object.fromEntries(
      exampleDirs(example).map((guest) => {
        const host = join(dir, "fs", guest.replace(/^\/+/, "") || "root");
        rmSync(host, { recursive: true, force: true });
        mkdirSync(host, { recursive: true });
        return [guest || "/", host];
      }),
    );
    // A child process, so the component writes to a real stdout that the test can read.
    const script = [
      `const fs = await import("@bytecodealliance/preview2-shim/filesystem");`,
      `fs._setPreopens(${JSON.stringify(preopens)});`,
      `const m = await import(${JSON.stringify("file://" + entry)}); m.run.run();`,
    ].join("\n");
    const env = { ...process.env, COVENANT_SYMBOLS: symbols ?? "" };
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, env });
    assert.equal(child.status, 0, `node exited ${child.status}: ${child.stderr}`);
    assert.deepEqual(child.stdout, example.stdout, "stdout differs");
  });

  test(`playground runner under Node: ${example.name}`, async () => {
    await $init;
    const bytes = compileExample(example, workDir(join("runner", example.name)));
    const load = (src) => import("data:text/javascript;base64," + Buffer.from(src).toString("base64"));
    // SQLite (sqlite-wasm) only for a program with a database, as the page's runner does.
    const sqlite3 = readFileSync(example.path, "utf8").includes('kind="database"')
      ? (await import("../support/sqlite-sql.mjs")).sqlite3
      : undefined;
    const result = await runComponent(generate, bytes, load, { dirs: exampleDirs(example), sqlite3 });
    assert.equal(result.error, "");
    assert.equal(result.stdout, example.stdout.toString("utf8"));
    assert.equal(result.stderr, "");
  });
}

test("exports are callable from JavaScript with WIT types (jco)", async () => {
  const example = examples.find((e) => e.name === "factorial");
  assert.ok(example, "examples/factorial.cov");
  const dir = workDir(join("node", "factorial-exports"));
  const m = await import("file://" + (await transpileTo(compileExample(example, dir), "factorial", dir)).entry);
  assert.equal(m.factorial(20n), 2432902008176640000n);
  assert.equal(m.greet("wasm ✓"), "Hello, wasm ✓!");
  // Many calls on one instance: the arena is reset after each.
  const big = "x".repeat(10000);
  for (let i = 0; i < 200; i++) assert.equal(m.greet(big).length, 10008);
});

test("list exports work from JavaScript (jco)", async () => {
  const example = examples.find((e) => e.name === "lists");
  assert.ok(example, "examples/lists.cov");
  const dir = workDir(join("node", "lists-exports"));
  const m = await import("file://" + (await transpileTo(compileExample(example, dir), "lists", dir)).entry);
  assert.deepEqual(Array.from(m.squares([3n, -2n])), [9n, 4n]);
  assert.equal(m.exclaim(["a", "é"]), "a!, é!");
  assert.equal(m.exclaim([]), "");
});

for (const example of exampleCalls()) {
  test(`export calls under jco give the same results as on Wasmtime: ${example.name}`, async () => {
    const dir = workDir(join("node", `${example.name}-calls`));
    const m = await import("file://" + (await transpileTo(compileExample(example, dir), example.name, dir)).entry);
    const world = parseWorld(example.world);
    assert.ok(example.calls.length > 0);
    for (const [call, expected] of example.calls) {
      assert.equal(invokeWave(m, world, call), expected, call);
    }
  });
}
