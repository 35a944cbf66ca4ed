/* 核验余额 Verify the balances on the community page (阳光账本 Sunledger).
 *
 * Holds the page to the figures the log signed (FORMAT.md section 10): fetches
 * the figures at the latest checkpoint's size N, checks the figures note's and
 * the checkpoint's signatures against the log key of the genesis entry (without
 * Ed25519 in WebCrypto, or under a key genesis does not name: "not verified", as in
 * verify.js), that the note's root is the checkpoint's root at N, that SHA-256 of
 * the document's canonical JSON is the note's hash line, and, when the page shows
 * size N, that every balance on the page is the document's.
 * Needs verify.js (loaded first) for the shared checks. Plain ES2020, no libraries.
 */
"use strict";

(() => {
  const section = document.querySelector("section.figures-check");
  const button = document.getElementById("figures-button");
  const output = document.getElementById("figures-result");
  const check = window.sunledgerCheck;
  if (!section || !button || !output || !check) return;
  const { Failure, utf8, fromBase64, same, sha256, fetchOk, parseCheckpoint, fetchLeaf,
          parseLeaf, leafHash, toHex, checkLogSignature, bilingual } = check;

  const FIGURES = { zh: "余额", en: "figures note" };  // "余额签名无效"
  const FIGURES_HEADER = "sunledger/figures/v1";

  // --- CJSON (FORMAT.md section 1) for the figures document's subset ---------------

  /** Sorted keys, no spaces, integers and strings only: Python's json.dumps(...,
   * sort_keys=True, separators=(",", ":"), ensure_ascii=False) on this subset. */
  function canonical(value) {
    if (typeof value === "string") {
      if (/\p{Cs}/u.test(value)) {  // in a /u regex a valid pair is one code point: lone ones only
        throw new Failure("签名余额中有无效字符", "the figures hold a string that is not valid Unicode");
      }
      return JSON.stringify(value);
    }
    if (Number.isSafeInteger(value)) return String(value);
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
      // Keys are ASCII (FORMAT.md), so code-unit order is UTF-8 byte order.
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
    }
    throw new Failure("签名余额中有非整数或非字符串的值",
                      "the figures hold a value that is neither an integer nor a string");
  }

  // --- the figures note: five lines, then the signatures -----------------------------

  function parseFiguresNote(note, size) {
    const split = typeof note === "string" ? note.indexOf("\n\n") : -1;
    if (split < 0) throw new Failure("余额签名不是签名文本", "the figures note is not a signed note");
    const body = note.slice(0, split + 1);
    const lines = body.split("\n");
    if (lines.length !== 6 || lines[0] !== FIGURES_HEADER || lines[2] !== String(size)) {
      throw new Failure(`余额签名不是第 ${size} 条处的签名余额`, `the figures note is not one for size ${size}`);
    }
    const signatures = note.slice(split + 2).split("\n").filter((line) => line);
    return { body, origin: lines[1], size, rootB64: lines[3], root: fromBase64(lines[3], "root"),
             hashB64: lines[4], signatures };
  }

  function checkDocument(doc, ledger, size, note) {
    if (!doc || typeof doc !== "object" || !Array.isArray(doc.balances) ||
        doc.ledger !== ledger || doc.size !== size || doc.root !== note.rootB64) {
      throw new Failure("签名余额文件的账本、条目数或根哈希不符",
                        "the figures document names another ledger, size or root than its note");
    }
  }

  // --- the page's own figures ----------------------------------------------------------

  /** "1,234.56" as shown by the page -> integer minor units (the page prints every digit). */
  function shownMinor(cell) {
    const shown = cell.textContent.trim();
    if (!/^-?[0-9][0-9,]*(\.[0-9]+)?$/.test(shown)) return null;
    return Number(shown.replace(/[,.]/g, ""));
  }

  function mismatch(where, shown, signed) {
    return new Failure(`页面上的余额与签名余额不符：${where} 页面 ${shown}，签名 ${signed}`,
                       `a balance on this page is not the signed one: ${where} shows ${shown}, signed ${signed}`);
  }

  /** Every account row equals its signed row; signed rows the page leaves out are zero;
   * each fund's cash, bank and total are the sums of its signed cash and bank rows. */
  function comparePage(doc) {
    const signed = new Map(doc.balances.map((row) => [row.slice(0, 3).join("|"), row[3]]));
    const kinds = new Map();
    let compared = 0;
    for (const row of document.querySelectorAll("tr[data-triple]")) {
      const triple = row.dataset.triple;
      const shown = shownMinor(row.querySelector("[data-col=balance]"));
      if (!signed.has(triple) || shown !== signed.get(triple)) {
        throw mismatch(`(${triple.replaceAll("|", ", ")})`, shown, signed.get(triple) ?? "—");
      }
      kinds.set(triple.split("|")[0], row.dataset.kind);
      signed.delete(triple);
      compared += 1;
    }
    for (const [triple, balance] of signed) {
      if (balance !== 0) throw mismatch(`(${triple.replaceAll("|", ", ")})`, "—", balance);
    }
    return compared + compareFunds(doc, kinds);
  }

  function compareFunds(doc, kinds) {
    const money = new Map();
    const add = (key, amount) => money.set(key, (money.get(key) || 0) + amount);
    for (const [account, fund, currency, balance] of doc.balances) {
      const kind = kinds.get(account);
      if (currency !== section.dataset.currency || (kind !== "cash" && kind !== "bank")) continue;
      for (const key of [`${fund}|${kind}`, `${fund}|held`, `total|${kind}`, "total|held"]) add(key, balance);
    }
    let compared = 0;
    for (const cell of document.querySelectorAll("table.funds tr[data-fund] [data-col]")) {
      const col = cell.dataset.col;
      if (col !== "cash" && col !== "bank" && col !== "held") continue;  // yearly flows: not balances
      const key = `${cell.closest("tr").dataset.fund}|${col}`;
      const shown = shownMinor(cell);
      if (shown !== (money.get(key) || 0)) throw mismatch(key.replace("|", " "), shown, money.get(key) || 0);
      compared += 1;
    }
    return compared;
  }

  // --- the whole check -------------------------------------------------------------------

  async function verify(report) {
    const { api, ledger } = section.dataset;
    const size = Number(section.dataset.size);
    const pageSize = Number(section.dataset.pageSize);
    const answer = await (await fetchOk(`${api}/figures?size=${size}`)).json();
    const note = parseFiguresNote(answer.note, size);
    checkDocument(answer.figures, ledger, size, note);
    report(`已取得第 ${size} 条处的签名余额`, `got the signed figures at size ${size}`);

    const genesisLeaf = await fetchLeaf(api, 0);
    if (toHex(await leafHash(genesisLeaf)) !== section.dataset.genesisHash) {
      throw new Failure("创世条目与页面上的创世哈希不符", "the genesis entry does not match the genesis hash on the page");
    }
    const genesis = parseLeaf(genesisLeaf, 0);
    const checkpoint = parseCheckpoint(await (await fetchOk(`${api}/checkpoint?size=${size}`)).text());
    if (checkpoint.size !== size || !same(checkpoint.root, note.root)) {
      throw new Failure("余额签名中的根哈希与该处检查点不符",
                        `the figures note's root is not the root of the checkpoint at size ${size}`);
    }
    // The note is signed by the log key in force at `size`: the genesis key or a rotation's.
    const noteCheck = await checkLogSignature(api, ledger, note, genesis, checkpoint, FIGURES);
    const noteSigned = noteCheck.signature;
    if (noteSigned === "valid") {
      report(noteCheck.rotatedAt === null ? "余额签名有效（创世条目中的日志公钥）"
                                          : `余额签名有效（第 ${noteCheck.rotatedAt} 条轮换后的日志公钥）`,
             noteCheck.rotatedAt === null ? "figures note signature valid (log key from genesis)"
                                          : `figures note signature valid (the log key rotated at entry ${noteCheck.rotatedAt})`);
    }
    const checkpointSigned = (await checkLogSignature(api, ledger, checkpoint, genesis, checkpoint)).signature;
    report("余额签名的根哈希与检查点一致" + (checkpointSigned === "valid" ? "（检查点签名有效）" : ""),
           `the note's root is the checkpoint's root at ${size}` +
           (checkpointSigned === "valid" ? " (checkpoint signature valid)" : ""));
    // Both signatures must verify for a tick; the first that did not says why not.
    const signature = noteSigned !== "valid" ? noteSigned : checkpointSigned;

    const hash = await sha256(utf8.encode(canonical(answer.figures)));
    if (!same(hash, fromBase64(note.hashB64, "figures hash"))) {
      throw new Failure("签名余额文件的哈希与签名不符：余额被改动过",
                        "SHA-256 of the figures document is not the hash its note signs: the balances were altered");
    }
    report("签名余额文件的 SHA-256 与签名一致", "SHA-256 of the canonical document is the signed hash");

    if (pageSize !== size) {
      report(`本页余额截至第 ${pageSize} 条，签名余额截至第 ${size} 条，未逐项比对；请待下一个检查点后再核验`,
             `this page shows size ${pageSize}, the signed figures size ${size}: not compared line by line; check again after the next checkpoint`);
      return { compared: false, signature };
    }
    const compared = comparePage(answer.figures);
    report(`本页 ${compared} 个余额均与签名余额一致`, `all ${compared} balances on this page equal the signed figures`);
    return { compared: true, signature };
  }

  const run = () => check.runChecks(button, output, verify, {
    passed: ({ compared }, steps) => [compared
      ? bilingual("p", "余额已核验 ✓", "Balances verified ✓", "verdict ok")
      : bilingual("p", "签名余额已核验 ✓，本页余额未比对", "Signed figures verified ✓, this page not compared", "verdict ok"),
      steps],
    failed: ["余额核验失败 ✗", "Balance check failed ✗"],
  });

  button.hidden = false;
  button.addEventListener("click", run);
})();
