// Verify a gongzhi receipt in the browser, sending nothing anywhere: WebCrypto SHA-256 and Ed25519.
//
// The same checks as `gongzhi ledger verify-receipt` (src/gongzhi/ledger/verify.py), in order:
// leaf hash = SHA-256(0x00 || entry); the RFC 9162 §2.1.3.2 inclusion path to a root; the root
// against the checkpoint (c2sp.org/tlog-checkpoint); the checkpoint's Ed25519 signature by the log's
// key (c2sp.org/signed-note); witnesses' cosignature/v1 signatures when their keys are given; and
// the commitment SHA-256(salt || canonical JSON) when the receipt opens one. A page includes this
// file and marks up: a form[data-ledger-verify] with fields receipt, receipt_file, vkey, witnesses,
// optional document + sha256, and an <ol data-steps> (labels in data-labels, JSON) for the result.
"use strict";

(function () {
  const enc = new TextEncoder();

  function b64(text) {
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function toB64(bytes) {
    let s = "";
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }
  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  function equal(a, b) {
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  // Canonical JSON as the ledger writes it: sorted keys, no whitespace, UTF-8, no floats.
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map((k) => JSON.stringify(k) + ":" + canonical(value[k])).join(",") + "}";
    }
    return JSON.stringify(value);
  }

  // A verifier key: name+hex8+base64(type || public key); the key ID is SHA-256(name \n type key)[:4].
  async function parseKey(vkey) {
    const text = vkey.trim(), first = text.indexOf("+"), second = text.indexOf("+", first + 1);
    if (first < 1 || second !== first + 9) throw new Error("key " + text + " is not name+id+key");
    const parts = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)]; // base64 may hold "+"
    const material = b64(parts[2]);
    const id = (await sha256(concat(enc.encode(parts[0] + "\n"), material))).slice(0, 4);
    if (hex(id) !== parts[1]) throw new Error("key " + parts[0] + ": its ID does not match the key");
    if (material[0] !== 0x01 && material[0] !== 0x04) throw new Error("key " + parts[0] + " is not Ed25519");
    const key = await crypto.subtle.importKey("raw", material.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name: parts[0], id: hex(id), type: material[0], key };
  }

  function parseNote(note) {
    const split = note.indexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) throw new Error("the checkpoint is not a signed note");
    const text = note.slice(0, split + 1);
    const signatures = note.slice(split + 2, -1).split("\n").map((line) => {
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) throw new Error("malformed signature line: " + line);
      const raw = b64(m[2]);
      return { name: m[1], id: hex(raw.slice(0, 4)), raw: raw.slice(4) };
    });
    return { text, signatures };
  }

  async function verifies(key, message, signature) {
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  }

  // RFC 9162 §2.1.3.2: climb from the leaf; returns the root and each level, or null root if it cannot fit.
  async function climb(leaf, index, size, proof) {
    let fn = index, sn = size - 1, value = leaf;
    const path = [];
    if (index >= size) return { root: null, path };
    for (const sibling of proof) {
      if (sn === 0) return { root: null, path };
      if (fn % 2 === 1 || fn === sn) {
        value = await sha256(concat([1], sibling, value));
        path.push("← " + hex(sibling).slice(0, 16) + "… ⇒ " + hex(value).slice(0, 16) + "…");
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        value = await sha256(concat([1], value, sibling));
        path.push("→ " + hex(sibling).slice(0, 16) + "… ⇒ " + hex(value).slice(0, 16) + "…");
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return { root: sn === 0 ? value : null, path };
  }

  async function witnessesOf(note, keys) {
    const names = [];
    for (const key of keys) {
      const sig = note.signatures.find((s) => s.name === key.name && s.id === key.id);
      if (!sig) continue;
      let message = enc.encode(note.text), signature = sig.raw;
      if (key.type === 0x04) {
        const time = new DataView(sig.raw.buffer, sig.raw.byteOffset, 8).getBigUint64(0);
        message = enc.encode("cosignature/v1\ntime " + time + "\n" + note.text);
        signature = sig.raw.slice(8);
      }
      if (!(await verifies(key.key, message, signature))) throw new Error("the cosignature of " + key.name + " does not verify");
      names.push(key.name);
    }
    return names;
  }

  // The checks, each pushed as {name, ok, detail}; stops at the first failure.
  async function verifyReceipt(text, vkey, witnessKeys, documentHash) {
    const steps = [];
    const step = (name, ok, detail) => { steps.push({ name, ok, detail }); return ok; };
    let receipt;
    try {
      receipt = JSON.parse(text);
      if (receipt.receipt !== "gongzhi-receipt/v1") throw new Error('not a receipt: "receipt" is not gongzhi-receipt/v1');
    } catch (e) { step("receipt", false, e.message); return steps; }
    try {
      const entry = b64(receipt.entry);
      const proof = receipt.proof.map(b64);
      step("receipt", true, "entry " + receipt.index + ", " + proof.length + " proof hashes");
      const leaf = await sha256(concat([0], entry));
      step("leaf", true, hex(leaf));
      const note = parseNote(receipt.checkpoint);
      const lines = note.text.split("\n");
      const size = Number(lines[1]);
      const { root, path } = await climb(leaf, receipt.index, size, proof);
      if (!step("path", root !== null, root ? path.join("\n") : "the proof does not fit entry " + receipt.index)) return steps;
      const log = await parseKey(vkey);
      const own = note.signatures.find((s) => s.name === log.name && s.id === log.id);
      const signed = own && lines[0] === log.name && (await verifies(log.key, enc.encode(note.text), own.raw));
      if (!step("signature", !!signed, signed ? lines[0] + ": " + size + " entries" : "the checkpoint is not signed by " + log.name)) return steps;
      const ok = equal(root, b64(lines[2]));
      if (!step("root", ok, ok ? lines[2] : "the path reaches " + toB64(root) + ", the checkpoint says " + lines[2])) return steps;
      const keys = await Promise.all(witnessKeys.map(parseKey));
      const cosigned = await witnessesOf(note, keys);
      if (!step("witnesses", cosigned.length === keys.length, keys.length ? cosigned.length + " / " + keys.length + ": " + cosigned.join(", ") : "—")) return steps;
      const fields = JSON.parse(new TextDecoder().decode(entry));
      if (receipt.salt !== null && receipt.salt !== undefined) {
        const opened = hex(await sha256(concat(b64(receipt.salt), enc.encode(canonical(receipt.committed)))));
        if (!step("commitment", opened === fields.commitment, opened === fields.commitment ? opened : "the salt and fields do not give the commitment")) return steps;
      }
      if (documentHash) {
        const same = fields.type === "notarized" && fields.sha256 === documentHash;
        if (!step("document", same, same ? documentHash + " @ " + fields.at : "the document's SHA-256 " + documentHash + " is not the notarised " + fields.sha256)) return steps;
      }
      step("verdict", true, fields.type + " v" + fields.v + (fields.case ? " · " + fields.case : ""));
    } catch (e) {
      step("verdict", false, e.message);
    }
    return steps;
  }

  async function fileHash(input) {
    const file = input && input.files && input.files[0];
    return file ? hex(await sha256(new Uint8Array(await file.arrayBuffer()))) : null;
  }

  function show(list, steps) {
    const labels = JSON.parse(list.dataset.labels || "{}");
    list.replaceChildren(...steps.map((s) => {
      const item = document.createElement("li");
      item.className = s.ok ? "ok" : "failed";
      item.dataset.step = s.name;
      const head = document.createElement("strong");
      head.textContent = (s.ok ? "✓ " : "✗ ") + (labels[s.name] || s.name);
      const detail = document.createElement("pre");
      detail.textContent = s.detail;
      item.append(head, detail);
      return item;
    }));
    const passed = steps.length > 0 && steps.every((s) => s.ok);
    list.dataset.verdict = passed ? "valid" : "invalid";
    const verdict = document.querySelector("[data-verdict-text]");
    if (verdict) {
      verdict.textContent = passed ? verdict.dataset.valid : verdict.dataset.invalid;
      verdict.className = "verdict " + (passed ? "ok" : "failed");
    }
  }

  async function run(form) {
    const list = document.querySelector("[data-steps]");
    const field = (name) => form.elements.namedItem(name);
    const upload = field("receipt_file");
    let text = field("receipt").value;
    if (upload && upload.files && upload.files[0]) text = await upload.files[0].text();
    const witnesses = (field("witnesses") ? field("witnesses").value : "").split("\n").map((l) => l.trim()).filter(Boolean);
    let documentHash = field("sha256") ? field("sha256").value.trim().toLowerCase() : "";
    const documentFile = await fileHash(field("document"));
    if (documentFile) { documentHash = documentFile; field("sha256").value = documentFile; }
    show(list, await verifyReceipt(text, field("vkey").value, witnesses, documentHash));
  }

  // Notarisation: hash the chosen file here, so that only its SHA-256 need be sent.
  function hashOnChoose(form) {
    const input = form.elements.namedItem("document");
    const out = form.elements.namedItem("sha256");
    const send = form.elements.namedItem("send_document");
    input.addEventListener("change", async () => {
      out.value = (await fileHash(input)) || "";
    });
    form.addEventListener("submit", () => {
      if (!send || !send.checked) input.disabled = true; // the hash alone is sent
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!(window.crypto && crypto.subtle)) return;
    for (const form of document.querySelectorAll("form[data-ledger-verify]")) {
      const button = form.querySelector("[data-browser-verify]");
      button.hidden = false;
      button.addEventListener("click", (event) => { event.preventDefault(); run(form); });
    }
    for (const form of document.querySelectorAll("form[data-notarise]")) hashOnChoose(form);
  });

  window.gongzhiVerifyReceipt = verifyReceipt; // for other pages and tests
})();
