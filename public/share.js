// Share links: `#v1=` + base64url(deflate-raw(JSON {v: compiler version, c: code})).
// Versioned so a later format can still read old links. Exposed as window.covenantShare.

function toBase64Url(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

window.covenantShare = {
  /** The fragment (`#v1=...`) that carries `code`. */
  async encode(code, version) {
    const json = new TextEncoder().encode(JSON.stringify({ v: version, c: code }));
    return "#v1=" + toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
  },

  /** `{ code, version }` from a fragment; throws an Error with a readable message if it is malformed. */
  async decode(hash) {
    const m = /^#v(\d+)=(.*)$/s.exec(hash);
    if (!m) throw new Error("this link does not carry a program");
    if (m[1] !== "1") throw new Error(`this link uses share format v${m[1]}, which this playground does not know`);
    let data;
    try {
      const json = await pipe(fromBase64Url(m[2]), new DecompressionStream("deflate-raw"));
      data = JSON.parse(new TextDecoder().decode(json));
    } catch {
      throw new Error("this share link is damaged (it may have been cut off when it was copied)");
    }
    if (typeof data?.c !== "string") throw new Error("this share link is damaged (no program in it)");
    return { code: data.c, version: String(data.v ?? "") };
  },
};
