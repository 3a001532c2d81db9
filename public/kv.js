// wasi:keyvalue/store (0.2.0-draft) in memory, for the playground's runner and the jco tests: one
// store ("") per run, as `covenant run` gives. Errors are thrown as the `error` variant.

class Bucket {
  constructor(data) {
    this.data = data;
  }
  get(key) {
    return this.data.get(key);
  }
  set(key, value) {
    this.data.set(key, new Uint8Array(value));
  }
  delete(key) {
    this.data.delete(key);
  }
  exists(key) {
    return this.data.has(key);
  }
  listKeys(_cursor) {
    return { keys: [...this.data.keys()], cursor: undefined };
  }
}

/** A fresh store: the `wasi:keyvalue/store` interface's imports. */
export function memoryStore() {
  const data = new Map();
  return {
    Bucket,
    open(identifier) {
      if (identifier !== "") throw { tag: "no-such-store" };
      return new Bucket(data);
    },
  };
}

/** For jco-transpiled modules that import `wasi:keyvalue/store` from this file. */
export const store = memoryStore();
