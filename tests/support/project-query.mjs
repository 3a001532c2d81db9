// `covenant:project/query` for jco-transpiled components under Node (jco's `map` points the
// interface here): the playground's shim over the graph the test passes in COVENANT_SYMBOLS.
import { projectQuery } from "../../public/project.js";

export const query = projectQuery(process.env.COVENANT_SYMBOLS);

/** The `covenant:symbols` section of a component's core modules, as text (jco inlines small
 *  core modules into the generated JavaScript, so the test reads the component itself). Modules
 *  and components share the framing: a header, then (id, LEB128 size, payload) sections; a
 *  component's section 1 holds a whole core module. */
export function symbolsInComponent(bytes) {
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return [value, at];
    }
  };
  const walk = (start, end, inComponent) => {
    for (let at = start + 8; at < end; ) {
      const id = bytes[at];
      const [size, body] = leb(at + 1);
      if (id === 0) {
        const [len, name] = leb(body);
        if (new TextDecoder().decode(bytes.subarray(name, name + len)) === "covenant:symbols") {
          return new TextDecoder().decode(bytes.subarray(name + len, body + size));
        }
      } else if (inComponent && id === 1) {
        const found = walk(body, body + size, false);
        if (found !== undefined) return found;
      }
      at = body + size;
    }
    return undefined;
  };
  return walk(0, bytes.length, true);
}
