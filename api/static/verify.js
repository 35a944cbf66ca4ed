/* 核验 Verify one entry in the resident's own browser (阳光账本 Sunledger).
 *
 * Trusts no verdict from the server: fetches the entry's leaf bytes, its
 * RFC 9162 inclusion proof and the latest signed checkpoint, recomputes the
 * Merkle root with WebCrypto SHA-256 (leaf 0x00||bytes, node 0x01||l||r) and
 * compares it with the checkpoint's root line, and checks the checkpoint's
 * Ed25519 signature (WebCrypto) against the log key of the genesis entry, whose
 * hash the resident compares with the notice board, or of the latest log-key
 * rotation before the checkpoint's size: the server lists where rotations are
 * (GET .../log-keys), and a rotation is taken only when its entry is in the
 * checkpoint's tree (inclusion proof) and signed by an admin key the genesis entry
 * names. Only all of that together is "verified": a browser without Ed25519, or a
 * checkpoint signed by a key neither the genesis nor such a rotation names, gets
 * "not verified" and the offline command to run instead (`sunledger verify --url
 * ...`, which follows the whole key registry). No libraries, no build step: ES2020.
 */
"use strict";

(() => {
  const section = document.querySelector("section.verify");
  const button = document.getElementById("verify-button");
  const output = document.getElementById("verify-result");

  /** A check that failed: the data does not add up (zh and en reasons). */
  class Failure extends Error {
    constructor(zh, en) { super(en); this.zh = zh; this.en = en; }
  }

  // --- bytes -----------------------------------------------------------------

  const utf8 = new TextEncoder();
  const text = new TextDecoder("utf-8", { fatal: true });

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
  }

  function fromBase64(value, what) {
    if (typeof value !== "string" || value.length % 4 !== 0 ||
        !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      throw new Failure(`${what} 不是标准 base64`, `${what} is not standard base64`);
    }
    return Uint8Array.from(atob(value), (c) => c.charCodeAt(0));
  }

  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  // --- RFC 9162 hashes and the inclusion check (section 2.1.3.2) ---------------

  async function sha256(...parts) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
  }
  const leafHash = (leaf) => sha256(Uint8Array.of(0), leaf);
  const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

  /** The root that `path` proves for the leaf hash at `index` in a tree of `size`. */
  async function rootFromInclusionProof(index, size, hash, path) {
    if (index >= size) throw new Failure("序号不在树内", "the seq is outside the tree");
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    let r = hash;
    for (const p of path) {
      if (sn === 0n) throw new Failure("证明过长", "the proof has too many hashes");
      if ((fn & 1n) === 1n || fn === sn) {
        r = await nodeHash(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await nodeHash(r, p);
      }
      fn >>= 1n;
      sn >>= 1n;
    }
    if (sn !== 0n) throw new Failure("证明过短", "the proof has too few hashes");
    return r;
  }

  // --- the server's answers -----------------------------------------------------

  async function fetchOk(url) {
    let response;
    try {
      response = await fetch(url, { cache: "no-store", credentials: "omit" });
    } catch (error) {
      throw new Error(`无法连接 could not fetch ${url}: ${error.message}`);
    }
    if (!response.ok) throw new Error(`服务器错误 the server answered ${response.status} for ${url}`);
    return response;
  }

  /** C2SP tlog-checkpoint: origin, size, base64 root, blank line, signature lines. */
  function parseCheckpoint(note) {
    const split = note.indexOf("\n\n");
    if (split < 0) throw new Failure("检查点不是签名文本", "the checkpoint is not a signed note");
    const body = note.slice(0, split + 1);
    const lines = body.split("\n");
    const size = Number(lines[1]);
    if (lines.length < 4 || !/^[0-9]+$/.test(lines[1] || "") || !Number.isSafeInteger(size)) {
      throw new Failure("检查点格式错误", "the checkpoint's size line is malformed");
    }
    const root = fromBase64(lines[2], "root");
    if (root.length !== 32) throw new Failure("根哈希长度错误", "the root is not 32 bytes");
    const signatures = note.slice(split + 2).split("\n").filter((line) => line);
    return { body, origin: lines[0], size, root, signatures };
  }

  /** The leaf bytes of entry `seq`, exactly as stored (one NDJSON line). */
  async function fetchLeaf(api, seq) {
    const bytes = new Uint8Array(await (await fetchOk(`${api}/entries?start=${seq}&limit=1`)).arrayBuffer());
    const newline = bytes.indexOf(0x0a);
    if (newline !== bytes.length - 1) {
      throw new Failure(`第 ${seq} 条的数据不是一行`, `entry ${seq} did not come as exactly one line`);
    }
    return bytes.subarray(0, newline);
  }

  function parseLeaf(leaf, seq) {
    try {
      return JSON.parse(text.decode(leaf));
    } catch (error) {
      throw new Failure(`第 ${seq} 条不是 JSON`, `entry ${seq} is not JSON`);
    }
  }

  // --- the checkpoint signature (optional: needs Ed25519 in WebCrypto) ---------

  /** "<name>+<8 hex key hash>+<base64(0x01 || pubkey)>" -> its parts, checked. */
  async function parseVerifierKey(vkey) {
    const first = vkey.indexOf("+");
    const second = vkey.indexOf("+", first + 1);
    const name = vkey.slice(0, first);
    const hashHex = vkey.slice(first + 1, second);
    const raw = fromBase64(vkey.slice(second + 1), "log key");
    if (first <= 0 || !/^[0-9a-f]{8}$/.test(hashHex) || raw.length !== 33 || raw[0] !== 1) {
      throw new Failure("创世条目中的日志公钥格式错误", "the genesis log key is malformed");
    }
    const keyHash = (await sha256(utf8.encode(name + "\n"), raw)).subarray(0, 4);
    if (toHex(keyHash) !== hashHex) {
      throw new Failure("日志公钥的键哈希不符", "the genesis log key's key hash does not match");
    }
    return { name, keyHash, publicKey: raw.subarray(1) };
  }

  const CHECKPOINT = { zh: "检查点", en: "checkpoint" };

  /** "valid"; "unsupported" (this browser has no Ed25519) or "other-key" (signed under
   * the origin's name by a key the genesis entry does not name: rotated?), neither of
   * which is a verification; throws if the note carries no signature of the log at all
   * or one that does not verify. `note` is a parsed signed note (origin = key name, body,
   * signature lines); `what` names it (figures notes are signed under the same name). */
  async function checkSignature(note, genesis, what = CHECKPOINT, logKey = null) {
    const body = (genesis.statement || {}).body || {};
    if (note.origin !== body.origin) {
      throw new Failure(`${what.zh}来源与创世条目不符`, `the ${what.en}'s origin is not the genesis origin`);
    }
    const key = await parseVerifierKey(String(logKey || body.log_key || ""));
    let signature = null;
    let named = false;
    for (const line of note.signatures) {
      const [dash, name, b64] = line.split(" ");
      if (dash !== "\u2014" || name !== key.name) continue;
      named = true;
      const raw = fromBase64(b64, "signature");
      if (raw.length === 68 && same(raw.subarray(0, 4), key.keyHash)) signature = raw.subarray(4);
    }
    if (!named) throw new Failure(`${what.zh}没有日志签名`, `the ${what.en} carries no signature of the log`);
    if (!signature) return "other-key";
    let ok;
    try {
      const cryptoKey = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, ["verify"]);
      ok = await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, signature, utf8.encode(note.body));
    } catch (error) {
      return "unsupported";
    }
    if (!ok) throw new Failure(`${what.zh}签名无效`, `the ${what.en}'s signature does not verify under the log key`);
    return "valid";
  }

  async function rootOfProof(api, seq, size, hash) {
    const proof = await (await fetchOk(`${api}/proofs/inclusion?seq=${seq}&size=${size}`)).json();
    if (proof.seq !== seq || proof.size !== size || !Array.isArray(proof.hashes)) {
      throw new Failure("包含证明不是所请求的", "the inclusion proof is not the one asked for");
    }
    const path = proof.hashes.map((h) => fromBase64(h, "proof hash"));
    if (path.some((h) => h.length !== 32)) throw new Failure("证明哈希长度错误", "a proof hash is not 32 bytes");
    return { root: await rootFromInclusionProof(seq, size, hash, path), hashes: path.length };
  }

  /** The key of the latest log-key rotation the server lists before `checkpoint.size`,
   * once checked: its entry is in the checkpoint's tree, names this ledger, and is
   * signed (FORMAT.md: "sunledger/statement/v1\n" + CJSON(statement), which is the
   * leaf's own bytes of the statement) by an admin key of the genesis entry.
   * { key, seq }; null when nothing checks out; "unsupported" without Ed25519. */
  async function rotatedLogKey(api, ledger, genesis, checkpoint) {
    const listed = await (await fetchOk(`${api}/log-keys`)).json();
    const seqs = (Array.isArray(listed.rotations) ? listed.rotations : [])
      .map((r) => r && r.seq).filter((s) => Number.isSafeInteger(s) && s > 0 && s < checkpoint.size);
    if (!seqs.length) return null;
    const seq = Math.max(...seqs);
    const leaf = await fetchLeaf(api, seq);
    const { root } = await rootOfProof(api, seq, checkpoint.size, await leafHash(leaf));
    if (!same(root, checkpoint.root)) return null;
    const entry = parseLeaf(leaf, seq);
    const whole = text.decode(leaf);
    const start = whole.indexOf(',"statement":') + ',"statement":'.length;
    const end = whole.length - ',"v":1}'.length;
    if (start < ',"statement":'.length || whole.slice(end) !== ',"v":1}' || end <= start) return null;
    const signedText = whole.slice(start, end);
    let statement;
    try { statement = JSON.parse(signedText); } catch (error) { return null; }
    const newKey = ((statement || {}).body || {}).log_key;
    if (entry.seq !== seq || statement.type !== "ledger.log_key_rotated" ||
        statement.ledger !== ledger || typeof newKey !== "string") return null;
    const sig = fromBase64(String(entry.sig || ""), "signature");
    const message = concat(utf8.encode("sunledger/statement/v1\n"), utf8.encode(signedText));
    const admins = (((genesis.statement || {}).body || {}).keys || [])
      .filter((k) => Array.isArray(k.roles) && k.roles.includes("admin"));
    for (const admin of admins) {
      let ok;
      try {
        const cryptoKey = await crypto.subtle.importKey(
          "raw", fromBase64(String(admin.key), "admin key"), { name: "Ed25519" }, false, ["verify"]);
        ok = await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, sig, message);
      } catch (error) {
        return "unsupported";
      }
      if (ok) return { key: newKey, seq };
    }
    return null;
  }

  /** checkSignature under the genesis log key, else under a checked rotation's key:
   * { signature, rotatedAt } with rotatedAt the rotation's seq (null: the genesis key). */
  async function checkLogSignature(api, ledger, note, genesis, checkpoint, what = CHECKPOINT) {
    const signature = await checkSignature(note, genesis, what);
    if (signature !== "other-key") return { signature, rotatedAt: null };
    const rotated = await rotatedLogKey(api, ledger, genesis, checkpoint);
    if (rotated === "unsupported") return { signature: "unsupported", rotatedAt: null };
    if (rotated === null) return { signature, rotatedAt: null };
    return { signature: await checkSignature(note, genesis, what, rotated.key),
             rotatedAt: rotated.seq };
  }

  // --- the whole check ----------------------------------------------------------

  async function verify(report) {
    const { api, ledger } = section.dataset;
    const seq = Number(section.dataset.seq);
    const checkpoint = parseCheckpoint(await (await fetchOk(`${api}/checkpoint`)).text());
    report("已取得签名检查点", `got the signed checkpoint of ${checkpoint.size} entries`);
    if (seq >= checkpoint.size) {
      throw new Failure("这条记录还没有被签名检查点覆盖，请稍后再试",
                        "this entry is not covered by a signed checkpoint yet; try again later");
    }
    const leaf = await fetchLeaf(api, seq);
    const hash = await leafHash(leaf);
    if (toHex(hash) !== section.dataset.entryHash) {
      throw new Failure("条目数据与页面上的条目哈希不符", "the entry's bytes do not hash to the entry hash on this page");
    }
    const entry = parseLeaf(leaf, seq);
    if (entry.seq !== seq || entry.ledger !== ledger) {
      throw new Failure("条目的序号或账本不符", "the entry names another seq or ledger");
    }
    report("条目数据与条目哈希一致", "the entry's bytes match its entry hash");
    const { root, hashes } = await rootOfProof(api, seq, checkpoint.size, hash);
    if (!same(root, checkpoint.root)) {
      throw new Failure("由证明算出的根哈希与签名检查点不符",
                        `the root computed from the proof (${toHex(root).slice(0, 16)}…) is not the checkpoint's root`);
    }
    report("包含证明算出的根哈希与检查点一致", `the proof leads to the checkpoint's root (${hashes} hashes)`);
    const genesisLeaf = await fetchLeaf(api, 0);
    if (toHex(await leafHash(genesisLeaf)) !== section.dataset.genesisHash) {
      throw new Failure("创世条目与页面上的创世哈希不符", "the genesis entry does not match the genesis hash on the page");
    }
    const { signature, rotatedAt } = await checkLogSignature(api, ledger, checkpoint,
                                                            parseLeaf(genesisLeaf, 0), checkpoint);
    if (signature === "valid") reportSigned(report, rotatedAt);
    return { entry, signature };
  }

  function reportSigned(report, rotatedAt) {
    if (rotatedAt === null) {
      report("检查点签名有效（创世条目中的日志公钥）", "checkpoint signature valid (log key from genesis)");
    } else {
      report(`检查点签名有效（第 ${rotatedAt} 条轮换后的日志公钥，由管理员签名）`,
             `checkpoint signature valid (the log key rotated at entry ${rotatedAt}, signed by an admin)`);
    }
  }

  // --- showing the result (DOM methods only: no server text becomes HTML) -------

  // One language at a time, the page's own (<html lang>, chosen by ?lang= and a cookie).
  function bilingual(tag, zh, en, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = document.documentElement.lang === "en" && en ? en : zh;
    return node;
  }

  function yuan(fen) {
    const sign = fen < 0 ? "-" : "";
    const abs = Math.abs(fen);
    const cents = abs % 100;
    const whole = (abs - cents) / 100;
    return `${sign}${whole.toLocaleString("en-US")}.${String(cents).padStart(2, "0")}`;
  }

  function signedContent(entry) {
    const statement = entry.statement || {};
    const body = statement.body || {};
    // The page names the statement type in the reader's language (not "entry.posted").
    const kind = (section && section.dataset.typeLabel) || statement.type;
    const debits = (body.postings || []).filter((p) => p.side === "debit")
      .reduce((sum, p) => sum + p.amount, 0);
    return bilingual("p", `签名内容：${kind}，日期 ${body.date}，摘要 ${body.memo || body.reason || "—"}，借方合计 ${yuan(debits)} 元`,
                     `Signed content: ${kind}, date ${body.date}, debits ${yuan(debits)} yuan`, "signed-content");
  }

  // A check whose signature the browser could not verify is no verification: no tick.
  const NOT_VERIFIED = {
    unsupported: ["未核验 ✗：此浏览器不支持 Ed25519，无法核对日志签名",
                  "Not verified ✗: this browser has no Ed25519, so the log's signature could not be checked"],
    "other-key": ["未核验 ✗：签名所用的日志公钥不是创世条目中的，也没有经核对的轮换条目指定它，浏览器无法核对",
                  "Not verified ✗: signed by a log key that neither the genesis entry nor a checked rotation on the log names"],
    "no-webcrypto": ["无法核验 ✗：浏览器只在 HTTPS 页面提供 WebCrypto",
                     "Could not verify ✗: browsers offer WebCrypto only on HTTPS pages"],
  };

  /** The command that checks the same server offline, with rotations and every signature. */
  function offlineCommand(section) {
    const { api, ledger, genesisHash } = section ? section.dataset : {};
    const base = new URL(String(api || "").replace(/\/v1\/ledgers\/[^/]*$/, "") || "/", location.href)
      .href.replace(/\/$/, "");
    const command = document.createElement("code");
    command.className = "offline-command";
    command.textContent = `sunledger verify --url ${base} --ledger ${ledger || "LEDGER"}` +
      (genesisHash ? ` --genesis-hash ${genesisHash}` : "");
    const node = bilingual("p", "请改用离线核验命令：", "Run the offline check instead:", "offline");
    node.append(" ", command);
    return node;
  }

  function notVerified(state, section, steps) {
    const [zh, en] = NOT_VERIFIED[state] || NOT_VERIFIED["other-key"];
    const nodes = [bilingual("p", zh, en, "verdict fail not-verified"), offlineCommand(section)];
    return steps ? [...nodes, steps] : nodes;
  }

  /** Run `verify(report)` behind `button`: each step that passed and the verdict go to
   * `output`; `passed(result, steps)` gives what a pass shows, `failed` the failure's title.
   * A pass needs `result.signature === "valid"`: anything else shows "not verified". */
  async function runChecks(button, output, verify, { passed, failed }) {
    const section = output.closest("section");
    if (!window.crypto || !crypto.subtle) {
      output.replaceChildren(...notVerified("no-webcrypto", section));
      return;
    }
    const steps = document.createElement("ul");
    const report = (zh, en) => steps.append(bilingual("li", "✓ " + zh, en));
    button.disabled = true;
    output.replaceChildren(bilingual("p", "正在核验…", "Verifying…", "verdict"));
    try {
      const result = await verify(report);
      output.replaceChildren(...(result.signature === "valid" ? passed(result, steps)
                                                               : notVerified(result.signature, section, steps)));
    } catch (error) {
      const verdict = error instanceof Failure
        ? bilingual("p", failed[0], failed[1], "verdict fail")
        : bilingual("p", "无法核验 ✗", "Could not verify ✗", "verdict fail");
      const reason = error instanceof Failure
        ? bilingual("p", error.zh, error.en, "reason")
        : bilingual("p", "原因：", error.message, "reason");
      output.replaceChildren(verdict, reason, steps);
    } finally {
      button.disabled = false;
    }
  }

  const run = () => runChecks(button, output, verify, {
    passed: ({ entry }, steps) => [bilingual("p", "已核验 ✓", "Verified ✓", "verdict ok"), steps,
                                   signedContent(entry)],
    failed: ["核验失败 ✗", "Verification failed ✗"],
  });

  // Shared with figures.js (the community page's "Verify the balances"), loaded after this.
  window.sunledgerCheck = Object.freeze({
    Failure, utf8, text, concat, fromBase64, toHex, same, sha256, fetchOk, parseCheckpoint,
    fetchLeaf, parseLeaf, leafHash, checkSignature, checkLogSignature, reportSigned, bilingual,
    runChecks,
  });

  if (!section || !button || !output) return;
  button.hidden = false;
  button.addEventListener("click", run);
})();
