// wasi:http for the playground's runner (and the Node tests): an outgoing request is answered
// synchronously, so the component's blocking calls need neither JSPI nor an event loop.
// - Requests to the built-in API host (`api.example.com`) are answered here, offline, by `ROUTES`,
//   so gallery examples that call an API run anywhere.
// - Other requests go out with a synchronous XMLHttpRequest, which browsers allow in workers
//   (the runner is one); where there is none (Node), they fail with `connection-refused`.
// Every request is logged through `onRequest({ method, url, status, error })`.

/** The host whose requests never leave the page. */
export const BUILTIN_HOST = "api.example.com";

const USERS = [
  { id: 1, name: "Ada Lovelace", email: "ada@example.com" },
  { id: 2, name: "Alan Turing", email: "alan@example.com" },
  { id: 3, name: "Grace Hopper", email: "grace@example.com" },
];

const json = (status, value) => ({
  status,
  headers: [["content-type", "application/json"]],
  body: new TextEncoder().encode(JSON.stringify(value)),
});

/** The built-in API: (method, path, request body bytes, request headers) -> response. */
export function builtinRoute(method, path, body, headers) {
  const [pathname] = path.split("?");
  let m;
  if (method === "GET" && pathname === "/users") return json(200, USERS);
  if (method === "GET" && (m = /^\/users\/(\d+)$/.exec(pathname))) {
    const user = USERS.find((u) => u.id === Number(m[1]));
    return user ? json(200, user) : json(404, { error: `no user ${m[1]}` });
  }
  if (pathname === "/echo") {
    const type = headers.find(([k]) => k.toLowerCase() === "content-type");
    return { status: 200, headers: type ? [["content-type", new TextDecoder().decode(type[1])]] : [], body };
  }
  if ((m = /^\/status\/(\d{3})$/.exec(pathname))) return json(Number(m[1]), { status: Number(m[1]) });
  return json(404, { error: `no route for ${method} ${pathname}`, routes: ["/users", "/users/{id}", "/echo", "/status/{code}"] });
}

class Fields {
  constructor(entries = []) {
    this.entries_ = entries;
  }
  static fromList(entries) {
    return new Fields(entries.map(([k, v]) => [k.toLowerCase(), new Uint8Array(v)]));
  }
  entries() {
    return this.entries_.map(([k, v]) => [k, v]);
  }
  get(name) {
    return this.entries_.filter(([k]) => k === name.toLowerCase()).map(([, v]) => v);
  }
}

class RequestOptions {
  setConnectTimeout(ns) {
    this.connect = ns;
  }
  setFirstByteTimeout(ns) {
    this.firstByte = ns;
  }
  setBetweenBytesTimeout(ns) {
    this.betweenBytes = ns;
  }
}

/** Builds the classes around the runner's own stream and pollable classes, which jco checks
 *  with `instanceof`. */
export function httpShim({ OutputStream, InputStream, Pollable, onRequest = () => {} }) {
  class OutgoingBody {
    constructor() {
      this.chunks = [];
    }
    write() {
      return new OutputStream((bytes) => this.chunks.push(new Uint8Array(bytes)));
    }
    static finish(body) {
      body.finished = true;
    }
    bytes() {
      const all = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of this.chunks) {
        all.set(c, at);
        at += c.length;
      }
      return all;
    }
  }

  class OutgoingRequest {
    constructor(headers) {
      this.headers = headers;
      this.method = { tag: "get" };
      this.scheme = { tag: "HTTPS" };
      this.authority = "";
      this.path = "/";
      this.body_ = new OutgoingBody();
    }
    setMethod(method) {
      this.method = method;
    }
    setScheme(scheme) {
      if (scheme) this.scheme = scheme;
    }
    setAuthority(authority) {
      this.authority = authority ?? "";
    }
    setPathWithQuery(path) {
      this.path = path ?? "/";
    }
    body() {
      return this.body_;
    }
  }

  class IncomingBody {
    constructor(bytes) {
      this.bytes = bytes;
    }
    stream() {
      return new InputStream(this.bytes);
    }
  }

  class IncomingResponse {
    constructor({ status, headers, body }) {
      this.status_ = status;
      this.headers_ = Fields.fromList(headers.map(([k, v]) => [k, typeof v === "string" ? new TextEncoder().encode(v) : v]));
      this.body_ = new IncomingBody(body);
    }
    status() {
      return this.status_;
    }
    headers() {
      return this.headers_;
    }
    consume() {
      return this.body_;
    }
  }

  /** The request goes out when the response is first asked for: a component writes the body
   *  after `handle`, and finishes it before it waits. */
  class FutureIncomingResponse {
    constructor(request) {
      this.request = request;
    }
    subscribe() {
      return new Pollable(0);
    }
    get() {
      if (!this.outcome) {
        const { url, method, response, error } = send(this.request);
        onRequest({ method, url, status: response?.status, error: error?.tag });
        this.outcome = error ? { tag: "err", val: error } : { tag: "ok", val: new IncomingResponse(response) };
      }
      return { tag: "ok", val: this.outcome };
    }
  }

  function send(request) {
    const method = request.method.tag === "other" ? request.method.val : request.method.tag.toUpperCase();
    const scheme = request.scheme.tag === "other" ? request.scheme.val : request.scheme.tag.toLowerCase();
    const url = `${scheme}://${request.authority}${request.path}`;
    const host = request.authority.replace(/:\d+$/, "").toLowerCase();
    const headers = request.headers.entries();
    const body = request.body_.bytes();
    if (host === BUILTIN_HOST) return { url, method, response: builtinRoute(method, request.path, body, headers) };
    if (typeof XMLHttpRequest === "undefined") return { url, method, error: { tag: "connection-refused" } };
    const xhr = new XMLHttpRequest();
    try {
      xhr.open(method, url, false);
      xhr.responseType = "arraybuffer";
      for (const [k, v] of headers) xhr.setRequestHeader(k, new TextDecoder().decode(v));
      xhr.send(body.length ? body : null);
    } catch {
      return { url, method, error: { tag: "connection-refused" } };
    }
    const lines = xhr.getAllResponseHeaders().trim().split(/\r?\n/).filter(Boolean);
    const responseHeaders = lines.map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]);
    return { url, method, response: { status: xhr.status, headers: responseHeaders, body: new Uint8Array(xhr.response ?? []) } };
  }

  return {
    "wasi:http/types": { Fields, RequestOptions, OutgoingBody, OutgoingRequest, IncomingBody, IncomingResponse, FutureIncomingResponse },
    "wasi:http/outgoing-handler": {
      handle(request) {
        return new FutureIncomingResponse(request);
      },
    },
  };
}
