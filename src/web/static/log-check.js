// Checks, in the reader's own browser, that the record on this page is in the transparency log,
// with nothing but the browser: WebCrypto (SHA-256, Ed25519) and fetch, no outside scripts.
//
// 1. Reads the log's keys and witnesses from /v1/log/keys, and remembers them (localStorage):
//    a later visit that finds none of the remembered log keys fails rather than trusting new ones,
//    and the witnesses and quorum remembered from the first visit must still cosign: a server
//    that later announces other witnesses (its own) or a lower quorum is not believed.
// 2. Fetches the checkpoint (/log/checkpoint, a C2SP signed note), checks the log's Ed25519
//    signature and each witness's cosignature/v1, and the quorum the log announces.
// 3. If a checkpoint was remembered from an earlier visit, checks that the new one extends it
//    (RFC 9162 consistency proof): a log shown differently to this reader is caught.
// 4. On a record's page: fetches the stored document of the version shown, hashes it, rebuilds
//    its leaf (canonical JSON of index, council, kind, document id, version, received_at and the
//    document's SHA-256), proves the leaf's inclusion in the checkpoint's tree (RFC 9162), and
//    compares the votes on the page with the votes in the document.
//
// The result is written into [data-log-status], and the box gets data-log-check = verified,
// failed, pending or unsupported. Without JavaScript the page says how to check with
// `maslikhat verify` instead.
'use strict';

(() => {
  const box = document.querySelector('[data-log-check]');
  if (!box) return;
  const out = box.querySelector('[data-log-status]');
  const texts = JSON.parse(box.dataset.texts || '{}');
  const fill = (key, values = {}) =>
    (texts[key] || key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
  const show = (state, text) => {
    box.dataset.logCheck = state;
    out.textContent = text;
  };

  class Failure extends Error {
    constructor(reason, values) {
      super(reason);
      this.reason = reason;
      this.values = values || {};
    }
  }

  const utf8 = new TextEncoder();
  const concat = (...parts) => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  };
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const unbase64 = (text) => {
    // Strict: only canonical padded base64 (what the log writes) is accepted.
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new Failure('format');
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  };
  const hash32 = (text) => {
    const h = unbase64(text);
    if (h.length !== 32) throw new Failure('format');
    return h;
  };
  const nodeHash = (left, right) => sha256(concat([1], left, right));

  async function get(path, as) {
    let response;
    try {
      response = await fetch(path, { cache: 'no-store' });
    } catch (e) {
      throw new Failure('network', { error: e.message });
    }
    if (!response.ok) throw new Failure('network', { error: `${path}: HTTP ${response.status}` });
    if (as === 'json') return response.json();
    if (as === 'text') return response.text();
    return new Uint8Array(await response.arrayBuffer());
  }

  // A C2SP verifier key `<name>+<hex key id>+<base64(type || Ed25519 key)>` of type `type`
  // (0x01 a log's signatures, 0x04 a witness's cosignatures), with its key id checked.
  async function parseKey(vkey, type) {
    const first = vkey.indexOf('+');
    const second = vkey.indexOf('+', first + 1);
    if (first < 1 || second < 0) throw new Failure('keys');
    const name = vkey.slice(0, first);
    const id = vkey.slice(first + 1, second).toLowerCase();
    const material = unbase64(vkey.slice(second + 1));
    if (material.length !== 33 || material[0] !== type) throw new Failure('keys');
    const raw = material.slice(1);
    const digest = await sha256(concat(utf8.encode(name + '\n'), [type], raw));
    if (hex(digest.slice(0, 4)) !== id) throw new Failure('keys');
    let key;
    try {
      key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    } catch {
      throw new Failure('unsupported');
    }
    return { name, id: digest.slice(0, 4), key, vkey };
  }

  // A signed note: its text (up to and including the newline before the last blank line) and
  // its signature lines as {name, id, blob}.
  function parseNote(note) {
    const split = note.lastIndexOf('\n\n');
    if (split < 0 || !note.endsWith('\n')) throw new Failure('format');
    const text = note.slice(0, split + 1);
    const lines = note.slice(split + 2, -1).split('\n');
    const signatures = lines.map((line) => {
      if (!line.startsWith('\u2014 ')) throw new Failure('format');
      const [name, b64, extra] = line.slice(2).split(' ');
      if (!name || !b64 || extra !== undefined) throw new Failure('format');
      const blob = unbase64(b64);
      if (blob.length < 5) throw new Failure('format');
      return { name, id: blob.slice(0, 4), blob: blob.slice(4) };
    });
    const [origin, size, root, ...rest] = text.slice(0, -1).split('\n');
    if (!origin || !/^(0|[1-9][0-9]*)$/.test(size || '') || rest.some((l) => l === '')) throw new Failure('format');
    return { text, signatures, origin, size: Number(size), root: hash32(root || '') };
  }

  const verifySignature = (key, signature, message) =>
    crypto.subtle.verify({ name: 'Ed25519' }, key.key, signature, message);

  // The log's signature: at least one line of a known log key, and every such line valid.
  async function checkLogSignature(note, logKeys) {
    const mine = note.signatures.filter((s) => logKeys.some((k) => k.name === s.name && equal(k.id, s.id)));
    if (mine.length === 0) throw new Failure('signature');
    for (const s of mine) {
      const key = logKeys.find((k) => k.name === s.name && equal(k.id, s.id));
      if (s.blob.length !== 64 || !(await verifySignature(key, s.blob, utf8.encode(note.text)))) {
        throw new Failure('signature');
      }
    }
  }

  // Witnesses with a valid cosignature/v1 on the note.
  async function cosigners(note, witnesses) {
    const valid = [];
    for (const w of witnesses) {
      for (const s of note.signatures.filter((x) => x.name === w.name && equal(x.id, w.id))) {
        if (s.blob.length !== 72) continue;
        const time = new DataView(s.blob.buffer, s.blob.byteOffset, 8).getBigUint64(0);
        const message = utf8.encode(`cosignature/v1\ntime ${time}\n${note.text}`);
        if (await verifySignature(w, s.blob.slice(8), message)) {
          valid.push(w.name);
          break;
        }
      }
    }
    return valid;
  }

  // RFC 9162 §2.1.3.2.
  async function verifyInclusion(leaf, index, size, proof, root) {
    if (index >= size) return false;
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    let r = leaf;
    for (const p of proof) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(r, root);
  }

  // RFC 9162 §2.1.4.2, for 0 < first < second.
  async function verifyConsistency(first, second, firstRoot, secondRoot, proof) {
    const f = BigInt(first);
    const path = (f & (f - 1n)) === 0n ? [firstRoot, ...proof] : proof;
    if (path.length === 0) return false;
    let fn = BigInt(first) - 1n;
    let sn = BigInt(second) - 1n;
    while ((fn & 1n) === 1n) {
      fn >>= 1n;
      sn >>= 1n;
    }
    let fr = path[0];
    let sr = path[0];
    for (const c of path.slice(1)) {
      if (sn === 0n) return false;
      if ((fn & 1n) === 1n || fn === sn) {
        fr = await nodeHash(c, fr);
        sr = await nodeHash(c, sr);
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      } else {
        sr = await nodeHash(sr, c);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    return sn === 0n && equal(fr, firstRoot) && equal(sr, secondRoot);
  }

  const MEMORY = 'maslikhat-log-check';
  const recall = () => {
    try {
      return JSON.parse(localStorage.getItem(MEMORY) || 'null');
    } catch {
      return null;
    }
  };
  const remember = (value) => {
    try {
      localStorage.setItem(MEMORY, JSON.stringify(value));
    } catch {
      /* private mode: nothing is remembered */
    }
  };

  // The checkpoint extends (or is extended by) the one remembered from an earlier visit.
  async function checkHistory(before, note) {
    if (!before || before.origin !== note.origin || !before.size) return;
    const old = { size: before.size, root: hash32(before.root) };
    if (old.size === note.size) {
      if (!equal(old.root, note.root)) throw new Failure('history');
      return;
    }
    const [a, b] = old.size < note.size ? [old, note] : [note, old];
    const p = await get(`/v1/log/proofs/consistency?first=${a.size}&second=${b.size}`, 'json');
    const proof = p.proof.map(hash32);
    if (!(await verifyConsistency(a.size, b.size, a.root, b.root, proof))) throw new Failure('history');
  }

  // Canonical JSON of the leaf (see src/domain/log/canonical.rs): keys sorted, no whitespace;
  // every value here is an ASCII id, a number or null, which JSON.stringify writes the same way.
  function leafData(d, sha) {
    const s = (v) => JSON.stringify(v.normalize('NFC'));
    return `{"council":${d.council ? s(d.council) : 'null'},"document_id":${s(d.documentId)},"index":${d.index},` +
      `"kind":${s(d.kind)},"received_at":${s(d.receivedAt)},"sha256":"${sha}","version":${d.version}}`;
  }

  // The votes shown on the page are the votes of the logged document.
  function checkPage(doc) {
    for (const el of document.querySelectorAll('[data-vote]')) {
      const vote = (doc.vote_events || []).find((v) => v.id === el.dataset.vote);
      const result = el.querySelector('[data-result]');
      if (!vote || (result && result.dataset.result !== vote.result)) throw new Failure('page');
      const ballots = new Map((vote.ballots || []).map((b) => [b.deputy, b.option]));
      const shown = el.querySelectorAll('[data-ballot]');
      if (shown.length !== ballots.size) throw new Failure('page');
      for (const cell of shown) {
        if (ballots.get(cell.dataset.ballot) !== cell.dataset.option) throw new Failure('page');
      }
    }
  }

  async function checkRecord(d, note) {
    const bytes = await get(d.document);
    const sha = hex(await sha256(bytes));
    const leaf = await sha256(concat([0], utf8.encode(leafData(d, sha))));
    if (d.leafHash && hex(leaf) !== d.leafHash) throw new Failure('document');
    const p = await get(`/v1/log/proofs/inclusion?leaf_index=${d.index}&tree_size=${note.size}`, 'json');
    if (!(await verifyInclusion(leaf, d.index, note.size, p.proof.map(hash32), note.root))) {
      throw new Failure('proof');
    }
    let doc;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Failure('document');
    }
    checkPage(doc);
  }

  async function run() {
    if (!window.crypto || !crypto.subtle) throw new Failure('unsupported');
    const keys = await get('/v1/log/keys', 'json');
    const logKeys = await Promise.all(keys.items.map((k) => parseKey(k.verifier_key, 0x01)));
    const witnesses = await Promise.all(keys.witnesses.map((w) => parseKey(w.verifier_key, 0x04)));
    const before = recall();
    if (before && before.origin === keys.origin && !before.keys.some((v) => logKeys.some((k) => k.vkey === v))) {
      throw new Failure('keys');
    }
    const note = parseNote(await get('/log/checkpoint', 'text'));
    if (note.origin !== keys.origin) throw new Failure('signature');
    await checkLogSignature(note, logKeys);
    const cosigned = await cosigners(note, witnesses);
    if (cosigned.length < keys.witness_quorum) {
      throw new Failure('cosignature', { k: cosigned.length, q: keys.witness_quorum });
    }
    const pinned = before && before.origin === keys.origin ? before.witnesses || [] : [];
    if (pinned.length) {
      const need = Math.min(before.quorum || 0, pinned.length);
      const byPinned = await cosigners(note, await Promise.all(pinned.map((v) => parseKey(v, 0x04))));
      if (byPinned.length < need) throw new Failure('cosignature', { k: byPinned.length, q: need });
    }
    await checkHistory(before, note);
    const d = box.dataset;
    const record = d.index !== undefined;
    const index = Number(d.index);
    if (record && index >= note.size) {
      return ['pending', fill('pending', { i: index, n: note.size })];
    }
    if (record) {
      await checkRecord({ ...d, index, version: Number(d.version) }, note);
    }
    const known = before && before.origin === keys.origin ? before.keys : [];
    remember({
      origin: note.origin,
      keys: [...new Set([...known, ...logKeys.map((k) => k.vkey)])],
      witnesses: pinned.length ? pinned : witnesses.map((w) => w.vkey),
      quorum: pinned.length ? before.quorum : keys.witness_quorum,
      size: note.size,
      root: btoa(String.fromCharCode(...note.root)),
    });
    const values = { n: note.size, w: cosigned.join(', ') };
    const key = record ? (cosigned.length ? 'ok' : 'ok_alone') : cosigned.length ? 'ok_checkpoint' : 'ok_checkpoint_alone';
    return ['verified', fill(key, values)];
  }

  show('checking', fill('checking'));
  run().then(
    ([state, text]) => show(state, text),
    (e) => {
      const reason = e instanceof Failure ? e.reason : 'format';
      if (reason === 'unsupported') return show('unsupported', fill('unsupported'));
      show('failed', fill('failed', { why: fill(`why_${reason}`, e.values || { error: e.message }) }));
    },
  );
})();
