// An in-memory filesystem behind wasi:filesystem for the playground's runner: each directory the
// program declares with `filesystem(path=..)` is a fresh, empty preopen, as `covenant run --dir`
// grants it on the host. Nothing leaves the page. Errors are thrown as WASI error-code strings,
// which jco's bindings turn into the `err` case.

/** A wasi:clocks `datetime` for now. */
function now() {
  const ms = Date.now();
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1e6 };
}

class Node {
  constructor(kind) {
    this.kind = kind;
    this.modified = now();
    if (kind === "directory") this.entries = new Map();
    else this.data = new Uint8Array(0);
  }
}

function parts(path) {
  const out = path.split("/").filter((p) => p !== "" && p !== ".");
  // The component normalizes paths before they get here; a climb is never granted.
  if (out.includes("..")) throw "not-permitted";
  return out;
}

/** The directory that holds the last component of `path`, and that component (undefined for the
 *  start directory itself). */
function locate(start, path) {
  const names = parts(path);
  let dir = start;
  for (const name of names.slice(0, -1)) {
    const next = dir.entries.get(name);
    if (!next) throw "no-entry";
    if (next.kind !== "directory") throw "not-directory";
    dir = next;
  }
  return { dir, name: names.at(-1) };
}

function find(start, path) {
  const { dir, name } = locate(start, path);
  if (name === undefined) return start;
  const node = dir.entries.get(name);
  if (!node) throw "no-entry";
  return node;
}

function kind(node) {
  return node.kind === "directory" ? "directory" : "regular-file";
}

class DirectoryEntryStream {
  constructor(entries) {
    this.entries = entries;
  }
  readDirectoryEntry() {
    return this.entries.shift();
  }
}

class Descriptor {
  constructor(node) {
    this.node = node;
  }
  openAt(_pathFlags, path, openFlags, flags) {
    const { dir, name } = locate(this.node, path);
    let node = name === undefined ? this.node : dir.entries.get(name);
    if (!node) {
      if (!openFlags.create) throw "no-entry";
      node = new Node(openFlags.directory ? "directory" : "regular-file");
      dir.entries.set(name, node);
    } else if (openFlags.create && openFlags.exclusive) {
      throw "exist";
    }
    if (openFlags.directory && node.kind !== "directory") throw "not-directory";
    if (node.kind === "directory" && flags.write) throw "is-directory";
    if (openFlags.truncate) node.data = new Uint8Array(0);
    return new Descriptor(node);
  }
  read(length, offset) {
    if (this.node.kind === "directory") throw "is-directory";
    const start = Number(offset);
    const chunk = this.node.data.slice(start, start + Number(length));
    return [chunk, start + chunk.length >= this.node.data.length];
  }
  write(buffer, offset) {
    if (this.node.kind === "directory") throw "is-directory";
    const at = Number(offset);
    const end = Math.max(this.node.data.length, at + buffer.length);
    if (end > this.node.data.length) {
      const grown = new Uint8Array(end);
      grown.set(this.node.data);
      this.node.data = grown;
    }
    this.node.data.set(buffer, at);
    this.node.modified = now();
    return BigInt(buffer.length);
  }
  statAt(_pathFlags, path) {
    const node = find(this.node, path);
    const size = node.kind === "directory" ? 0 : node.data.length;
    return { type: kind(node), linkCount: 1n, size: BigInt(size), dataModificationTimestamp: node.modified };
  }
  stat() {
    return this.statAt({}, ".");
  }
  createDirectoryAt(path) {
    const { dir, name } = locate(this.node, path);
    if (name === undefined || dir.entries.has(name)) throw "exist";
    dir.entries.set(name, new Node("directory"));
  }
  removeDirectoryAt(path) {
    const { dir, name } = locate(this.node, path);
    const node = name === undefined ? this.node : dir.entries.get(name);
    if (!node) throw "no-entry";
    if (node.kind !== "directory") throw "not-directory";
    if (node.entries.size > 0) throw "not-empty";
    if (name === undefined) throw "busy";
    dir.entries.delete(name);
  }
  unlinkFileAt(path) {
    const { dir, name } = locate(this.node, path);
    const node = name === undefined ? this.node : dir.entries.get(name);
    if (!node) throw "no-entry";
    if (node.kind === "directory") throw "is-directory";
    dir.entries.delete(name);
  }
  renameAt(oldPath, newDescriptor, newPath) {
    const from = locate(this.node, oldPath);
    const node = from.name === undefined ? undefined : from.dir.entries.get(from.name);
    if (!node) throw "no-entry";
    const to = locate(newDescriptor.node, newPath);
    if (to.name === undefined) throw "exist";
    const existing = to.dir.entries.get(to.name);
    if (existing && existing.kind === "directory" && existing.entries.size > 0) throw "not-empty";
    if (existing && existing.kind !== node.kind) throw existing.kind === "directory" ? "is-directory" : "not-directory";
    from.dir.entries.delete(from.name);
    to.dir.entries.set(to.name, node);
  }
  readDirectory() {
    if (this.node.kind !== "directory") throw "not-directory";
    return new DirectoryEntryStream([...this.node.entries].map(([name, node]) => ({ type: kind(node), name })));
  }
}

/** `wasi:filesystem/preopens` and `/types` with a fresh empty directory for each declared root
 *  ("" - a declaration without a path - is the whole, empty, filesystem `/`). */
export function memoryFilesystem(roots = []) {
  const preopens = [...new Set(roots.map((r) => (r === "" ? "/" : r)))].map((name) => [
    new Descriptor(new Node("directory")),
    name,
  ]);
  return {
    "wasi:filesystem/preopens": { getDirectories: () => preopens },
    "wasi:filesystem/types": { Descriptor, DirectoryEntryStream, filesystemErrorCode: () => undefined },
  };
}
