// Shared helpers for the Node and browser tests: the examples and the covenant binary.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Scratch space inside the clone, so generated ES modules resolve the root node_modules. */
export function workDir(name) {
  const dir = join(root, "tests", ".work", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every example with an expected stdout: { name, path, stdout (Buffer) }. */
export function runnableExamples() {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cov") && existsSync(join(dir, f.replace(/\.cov$/, ".stdout"))))
    .sort()
    .map((f) => ({
      name: f.replace(/\.cov$/, ""),
      path: join(dir, f),
      stdout: readFileSync(join(dir, f.replace(/\.cov$/, ".stdout"))),
    }));
}

/** Every `examples/*.calls` file: { name, path, world (WIT text), calls: [[call, expected]] }. */
export function exampleCalls() {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".calls"))
    .sort()
    .map((f) => {
      const name = f.replace(/\.calls$/, "");
      const calls = readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter((l) => l.trim() && !l.trimStart().startsWith("#"))
        .map((l) => l.split(" => ").map((p) => p.trim()));
      return { name, path: join(dir, `${name}.cov`), world: readFileSync(join(dir, `${name}.wit`), "utf8"), calls };
    });
}

export function covenantBin() {
  const bin = process.env.COVENANT_BIN;
  if (!bin || !existsSync(bin)) {
    throw new Error("COVENANT_BIN must name the built `covenant` binary (scripts/test.sh sets it)");
  }
  return bin;
}

/** Compiles an example with the CLI and returns the component's bytes. */
export function compileExample(example, outDir) {
  const out = join(outDir, `${example.name}.wasm`);
  execFileSync(covenantBin(), ["compile", "--target=wasi", example.path, "-o", out], { stdio: "pipe" });
  return readFileSync(out);
}

/** The directories an example declares with `filesystem(path=..)`, normalized as the compiler
 *  does (`Compilation::filesystem_roots`): "/data", "notes", ".", or "" for no path. */
export function exampleDirs(example) {
  const source = readFileSync(example.path, "utf8");
  const roots = new Set();
  for (const m of source.matchAll(/^\s*effect filesystem(?:\(([^)]*)\))?\s*$/gm)) {
    const path = /path="([^"]*)"/.exec(m[1] ?? "")?.[1];
    if (path === undefined) {
      roots.add("");
      continue;
    }
    const parts = path.split("/").filter((p) => p && p !== ".");
    roots.add(path.startsWith("/") ? "/" + parts.join("/") : parts.join("/") || ".");
  }
  return [...roots];
}
