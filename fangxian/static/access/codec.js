/* Fangxian pass codec for the browser: the mirror of fangxian/access/passcodec.py's decode.
 *
 * text = PREFIX + Base45( [zlib]( COSE_Sign1( CWT ) ) )
 *
 * - Base45 as in RFC 9285;
 * - zlib only when the bytes start with a zlib header (0x78), inflated with the
 *   browser's DecompressionStream("deflate") (RFC 1950 framing);
 * - COSE_Sign1 (RFC 9052), tag 18 or untagged: [protected bstr, unprotected map,
 *   payload bstr, signature bstr]; alg ES256 (-7), or EdDSA (-8) where the browser has
 *   Ed25519; the kid in the protected header, or in the unprotected one (protected wins);
 * - the payload a CWT claims map (RFC 8392): 4 exp, 5 nbf, 6 iat, 7 cti.
 *
 * decode() rejects with a FxCodec.CodecError whose `kind` is one of KINDS, never with
 * anything else. No dependencies: it runs in a page, a worker or node >= 18.
 */
(function (root) {
  "use strict";

  const KINDS = ["prefix", "base45", "zlib", "cbor", "cose", "kid", "signature", "not_yet_valid", "expired"];

  class CodecError extends Error {
    constructor(kind, message) {
      super(message || kind);
      this.name = "CodecError";
      this.kind = kind;
    }
  }

  // -- Base45 (RFC 9285) ----------------------------------------------------------------
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const B45_VALUE = new Map([...B45].map((c, i) => [c, i]));

  function base45Decode(text) {
    if (text.length % 3 === 1) throw new CodecError("base45", "bad length");
    const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
    let o = 0;
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3);
      const digits = [...chunk].map((c) => {
        const v = B45_VALUE.get(c);
        if (v === undefined) throw new CodecError("base45", "bad character");
        return v;
      });
      if (digits.length === 3) {
        const n = digits[0] + digits[1] * 45 + digits[2] * 2025;
        if (n > 0xffff) throw new CodecError("base45", "group out of range");
        out[o++] = n >> 8;
        out[o++] = n & 0xff;
      } else {
        const n = digits[0] + digits[1] * 45;
        if (n > 0xff) throw new CodecError("base45", "group out of range");
        out[o++] = n;
      }
    }
    return out;
  }

  function base45Encode(bytes) {
    let s = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      let n = bytes[i] * 256 + bytes[i + 1];
      s += B45[n % 45]; n = Math.floor(n / 45);
      s += B45[n % 45]; n = Math.floor(n / 45);
      s += B45[n];
    }
    if (bytes.length % 2) {
      const n = bytes[bytes.length - 1];
      s += B45[n % 45] + B45[Math.floor(n / 45)];
    }
    return s;
  }

  // -- zlib ---------------------------------------------------------------------------------
  function looksZlib(bytes) {
    // RFC 1950: CMF 0x78 (deflate, 32 KiB window) and (CMF*256 + FLG) % 31 == 0.
    return bytes.length >= 2 && bytes[0] === 0x78 && ((bytes[0] << 8) | bytes[1]) % 31 === 0;
  }

  const MAX_INFLATED = 64 * 1024; // a pass is ~200 bytes, a bundle of 100,000 revocations ~1.7 MB
  async function inflate(bytes, limit) {
    if (typeof DecompressionStream === "undefined") throw new CodecError("zlib", "no DecompressionStream");
    try {
      const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
      const reader = stream.getReader();
      const parts = [];
      let total = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > limit) {
          reader.cancel().catch(() => {});
          throw new CodecError("zlib", "inflated data too large");
        }
        parts.push(value);
      }
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    } catch (e) {
      if (e instanceof CodecError) throw e;
      throw new CodecError("zlib", "bad zlib data");
    }
  }

  // -- CBOR (RFC 8949): a strict, minimal decoder ----------------------------------------
  class Tagged {
    constructor(tag, value) { this.tag = tag; this.value = value; }
  }
  const UNDEFINED = Symbol("cbor undefined");
  const BREAK = Symbol("cbor break");
  const MAX_DEPTH = 32;

  function cborDecode(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    const utf8 = new TextDecoder("utf-8", { fatal: true });

    function need(n) {
      if (pos + n > bytes.length) throw new CodecError("cbor", "truncated");
    }
    function argument(info) {
      if (info < 24) return info;
      if (info === 24) { need(1); return bytes[pos++]; }
      if (info === 25) { need(2); const v = view.getUint16(pos); pos += 2; return v; }
      if (info === 26) { need(4); const v = view.getUint32(pos); pos += 4; return v; }
      if (info === 27) {
        need(8);
        const v = view.getBigUint64(pos); pos += 8;
        return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      throw new CodecError("cbor", "bad additional information");
    }
    function length(info) {
      const n = argument(info);
      if (typeof n !== "number" || n > bytes.length) throw new CodecError("cbor", "length too large");
      return n;
    }
    function chunks(major, depth) {
      // An indefinite-length byte or text string: definite chunks of the same type, then break.
      const parts = [];
      for (;;) {
        need(1);
        if (bytes[pos] === 0xff) { pos++; break; }
        const item = bytes[pos] >> 5;
        if (item !== major || (bytes[pos] & 0x1f) === 31) throw new CodecError("cbor", "bad chunk");
        parts.push(item_(depth + 1));
      }
      if (major === 3) return parts.join("");
      const total = parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array(total);
      let o = 0;
      for (const p of parts) { out.set(p, o); o += p.length; }
      return out;
    }
    function item_(depth) {
      if (depth > MAX_DEPTH) throw new CodecError("cbor", "nested too deeply");
      need(1);
      const initial = bytes[pos++];
      const major = initial >> 5;
      const info = initial & 0x1f;
      switch (major) {
        case 0: return argument(info);
        case 1: {
          const n = argument(info);
          return typeof n === "bigint" ? -1n - n : -1 - n;
        }
        case 2:
        case 3: {
          if (info === 31) return chunks(major, depth);
          const n = length(info);
          need(n);
          const raw = bytes.subarray(pos, pos + n);
          pos += n;
          if (major === 2) return raw;
          try { return utf8.decode(raw); } catch (e) { throw new CodecError("cbor", "bad UTF-8"); }
        }
        case 4: {
          const out = [];
          if (info === 31) {
            for (;;) {
              const v = item_(depth + 1);
              if (v === BREAK) return out;
              out.push(v);
            }
          }
          const n = length(info);
          for (let i = 0; i < n; i++) out.push(value(depth + 1));
          return out;
        }
        case 5: {
          const out = new Map();
          const n = info === 31 ? Infinity : length(info);
          for (let i = 0; i < n; i++) {
            const k = item_(depth + 1);
            if (k === BREAK && n === Infinity) return out;
            if (k === BREAK) throw new CodecError("cbor", "unexpected break");
            const key = mapKey(k);
            if (out.has(key)) throw new CodecError("cbor", "duplicate map key");
            out.set(key, value(depth + 1));
          }
          return out;
        }
        case 6: {
          const tag = argument(info);
          return new Tagged(tag, value(depth + 1));
        }
        default: { // 7: simple values and floats
          if (info === 20) return false;
          if (info === 21) return true;
          if (info === 22) return null;
          if (info === 23) return UNDEFINED;
          if (info === 25) { need(2); const v = halfFloat(view.getUint16(pos)); pos += 2; return v; }
          if (info === 26) { need(4); const v = view.getFloat32(pos); pos += 4; return v; }
          if (info === 27) { need(8); const v = view.getFloat64(pos); pos += 8; return v; }
          if (info === 31) return BREAK;
          if (info < 20) return UNDEFINED; // unassigned simple values: not used by COSE/CWT
          if (info === 24) { need(1); pos++; return UNDEFINED; }
          throw new CodecError("cbor", "bad simple value");
        }
      }
    }
    function value(depth) {
      const v = item_(depth);
      if (v === BREAK) throw new CodecError("cbor", "unexpected break");
      return v;
    }
    function mapKey(k) {
      // Keys are compared by value: integers and texts as themselves, byte strings as hex.
      if (typeof k === "number" || typeof k === "string" || typeof k === "bigint") return k;
      if (k instanceof Uint8Array) return "h'" + toHex(k) + "'";
      throw new CodecError("cbor", "unsupported map key");
    }

    const result = value(0);
    if (pos !== bytes.length) throw new CodecError("cbor", "trailing bytes");
    return result;
  }

  function halfFloat(h) {
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    const sign = h & 0x8000 ? -1 : 1;
    if (exp === 0) return sign * mant * 2 ** -24;
    if (exp === 31) return mant ? NaN : sign * Infinity;
    return sign * (mant + 1024) * 2 ** (exp - 25);
  }

  // The one thing the console encodes: Sig_structure, an array of a text and byte strings.
  function cborHead(major, n) {
    if (n < 24) return [(major << 5) | n];
    if (n < 0x100) return [(major << 5) | 24, n];
    if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  }
  function sigStructure(protectedBytes, payload) {
    const context = new TextEncoder().encode("Signature1");
    const parts = [
      cborHead(4, 4), cborHead(3, context.length), context,
      cborHead(2, protectedBytes.length), protectedBytes,
      cborHead(2, 0),
      cborHead(2, payload.length), payload,
    ];
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  // -- helpers -------------------------------------------------------------------------------
  function toHex(bytes) {
    let s = "";
    for (const b of bytes) s += b.toString(16).padStart(2, "0");
    return s;
  }
  function fromHex(hex) {
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  function b64urlToBytes(s) {
    const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
    const bin = atob(b64);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }
  function bytesToB64url(bytes) {
    let bin = "";
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const ALG = { ES256: -7, EDDSA: -8 };
  const DEFAULT_LEEWAY = 300;

  /* Import one key of a bundle's key list ({kid, alg, jwk}) for verification.
   * kid may be bytes, hex or base64url text (as JSON carries it). */
  async function importKey(entry) {
    const jwk = entry.jwk instanceof Map ? Object.fromEntries(entry.jwk) : entry.jwk;
    let kid = entry.kid;
    if (typeof kid === "string") kid = /^[0-9a-f]+$/i.test(kid) && kid.length % 2 === 0 ? fromHex(kid) : b64urlToBytes(kid);
    const clean = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, ext: true };
    let key;
    if (jwk.kty === "EC" && jwk.crv === "P-256") {
      clean.y = jwk.y;
      key = await crypto.subtle.importKey("jwk", clean, { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
      return { kidHex: toHex(kid), alg: ALG.ES256, key, jwk: clean };
    }
    if (jwk.kty === "OKP" && jwk.crv === "Ed25519") {
      key = await crypto.subtle.importKey("jwk", clean, { name: "Ed25519" }, true, ["verify"]);
      return { kidHex: toHex(kid), alg: ALG.EDDSA, key, jwk: clean };
    }
    throw new Error("unsupported key type");
  }

  function asBytes(v) { return v instanceof Uint8Array ? v : null; }
  function claim(map, key) { return map instanceof Map ? map.get(key) : undefined; }

  /* Undo the transport layers and split the COSE_Sign1; nothing is verified yet. */
  async function parse(text, prefix, maxInflated) {
    if (typeof text !== "string" || !text.startsWith(prefix)) throw new CodecError("prefix", "wrong prefix");
    let data = base45Decode(text.slice(prefix.length));
    if (data.length && data[0] === 0x78) {
      if (!looksZlib(data)) throw new CodecError("zlib", "bad zlib header");
      data = await inflate(data, maxInflated || MAX_INFLATED);
    }
    let cose = cborDecode(data);
    if (cose instanceof Tagged && cose.tag === 61) {
      // RFC 8392 §6: a CWT may wrap its tagged COSE message in tag 61.
      cose = cose.value;
      if (!(cose instanceof Tagged && cose.tag === 18)) throw new CodecError("cose", "tag 61 without COSE_Sign1");
    }
    if (cose instanceof Tagged) {
      if (cose.tag !== 18) throw new CodecError("cose", "not a COSE_Sign1 tag");
      cose = cose.value;
    }
    if (!Array.isArray(cose) || cose.length !== 4) throw new CodecError("cose", "not a COSE_Sign1 array");
    const [protectedBytes, unprotected, payload, signature] = cose;
    if (!asBytes(protectedBytes) || !(unprotected instanceof Map) || !asBytes(payload) || !asBytes(signature)) {
      throw new CodecError("cose", "bad COSE_Sign1 member types");
    }
    let protectedHeader = new Map();
    if (protectedBytes.length) {
      try {
        protectedHeader = cborDecode(protectedBytes);
      } catch (e) {
        throw new CodecError("cose", "bad protected header");
      }
      if (!(protectedHeader instanceof Map)) throw new CodecError("cose", "protected header is not a map");
    }
    if (protectedHeader.has(2) || unprotected.has(2)) {
      // RFC 9052 §3.1: reject critical headers we do not understand (we understand none).
      throw new CodecError("cose", "critical headers are not supported");
    }
    const alg = protectedHeader.has(1) ? protectedHeader.get(1) : unprotected.get(1);
    if (alg !== ALG.ES256 && alg !== ALG.EDDSA) throw new CodecError("cose", "unsupported alg");
    const kidValue = protectedHeader.has(4) ? protectedHeader.get(4) : unprotected.get(4);
    if (kidValue !== undefined && !asBytes(kidValue)) throw new CodecError("cose", "kid is not a byte string");
    return { protectedBytes, protectedHeader, payload, signature, alg, kid: asBytes(kidValue) };
  }

  /* The CWT claims of a payload: read only once its signature holds (or by peek). */
  function claimsOf(payload) {
    let claims;
    try {
      claims = cborDecode(payload);
    } catch (e) {
      throw new CodecError("cbor", "bad payload");
    }
    if (!(claims instanceof Map)) throw new CodecError("cose", "payload is not a claims map");
    for (const key of [4, 5, 6]) {
      const v = claims.get(key);
      if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) throw new CodecError("cose", "bad time claim");
    }
    return claims;
  }

  /* The claims of `text` WITHOUT any verification: only to read the key list of the very
   * first bundle a console is given, which it then verifies with those keys and pins. */
  async function peek(text, opts) {
    const parts = await parse(text, opts.prefix, opts.maxInflated);
    return { claims: claimsOf(parts.payload), kid: parts.kid ? toHex(parts.kid) : null };
  }

  /* Decode and verify `text`.
   * opts.prefix: "FX1:" or "FXB1:"; opts.keys: Map kidHex → {key, alg} (see importKey);
   * opts.now: seconds since the epoch (default: the device clock); opts.leeway (300 s);
   * opts.checkTime: false
   * skips nbf/exp (the console judges a bundle's age itself); opts.maxInflated.
   * Resolves to {claims: Map, kid: hex, protectedHeader: Map}. */
  async function decode(text, opts) {
    const now = opts.now === undefined ? Date.now() / 1000 : opts.now;
    const { protectedBytes, protectedHeader, payload, signature, alg, kid } =
      await parse(text, opts.prefix, opts.maxInflated);
    if (!kid) throw new CodecError("kid", "no kid");
    const entry = opts.keys.get(toHex(kid));
    if (!entry) throw new CodecError("kid", "unknown kid");
    if (entry.alg !== alg) throw new CodecError("signature", "alg does not match the key");
    const signed = sigStructure(protectedBytes, payload);
    let ok = false;
    try {
      const algorithm = alg === ALG.ES256 ? { name: "ECDSA", hash: "SHA-256" } : { name: "Ed25519" };
      ok = signature.length === 64 && await crypto.subtle.verify(algorithm, entry.key, signature, signed);
    } catch (e) {
      ok = false;
    }
    if (!ok) throw new CodecError("signature", "bad signature");
    const claims = claimsOf(payload);
    if (opts.checkTime !== false) {
      // As passcodec._check_times: nbf and iat may be up to `leeway` seconds ahead of this
      // phone's clock (it may lag the server that just issued the pass); exp is a hard line.
      const leeway = opts.leeway === undefined ? DEFAULT_LEEWAY : opts.leeway;
      for (const key of [5, 6]) {
        const moment = claims.get(key);
        if (moment !== undefined && moment > now + leeway) throw new CodecError("not_yet_valid", "not yet valid");
      }
      const exp = claims.get(4);
      if (exp !== undefined && now >= exp) throw new CodecError("expired", "expired");
    }
    return { claims, kid: toHex(kid), protectedHeader };
  }

  /* SHA-256(cti)[:16] as hex: the form the bundle's revocation list takes. */
  async function revocationId(cti) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", cti));
    return toHex(digest.subarray(0, 16));
  }

  root.FxCodec = {
    KINDS, CodecError, Tagged, UNDEFINED,
    base45Decode, base45Encode, cborDecode, sigStructure, looksZlib, inflate,
    importKey, parse, peek, decode, revocationId, toHex, fromHex, b64urlToBytes, bytesToB64url, claim,
  };
})(typeof globalThis !== "undefined" ? globalThis : self);
