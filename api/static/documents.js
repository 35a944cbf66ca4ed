/* 核验公开表 Check a downloaded sheet against the hash on the log (阳光账本 Sunledger).
 *
 * A disclosure puts only the SHA-256 of its sheet on the log; the document store
 * serves the bytes (GET .../documents/{sha256}), and does not vouch for them. Each
 * "核验哈希 Check the hash" button downloads the bytes afresh (never from a cache),
 * hashes them here with WebCrypto, and says "哈希已核验 hash checked" only when the
 * digest equals the hash the log names; otherwise it names the hash it got. No
 * libraries, no build step: ES2020.
 */
"use strict";

(() => {
  const english = () => document.documentElement.lang === "en";
  const say = (zh, en) => (english() ? en : zh);
  const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

  function show(output, ok, zh, en) {
    output.textContent = say(zh, en);
    output.classList.remove("pass", "fail");
    output.classList.add(ok ? "pass" : "fail");
  }

  async function check(button) {
    const output = document.getElementById(button.dataset.output);
    const wanted = button.dataset.sha256;
    if (!window.crypto || !crypto.subtle) {
      show(output, false, "此浏览器无法计算哈希（需要 HTTPS）",
           "this browser cannot compute the hash here (it needs HTTPS)");
      return;
    }
    button.disabled = true;
    output.textContent = say("正在下载并计算…", "downloading and hashing…");
    try {
      const answer = await fetch(button.dataset.url, { cache: "no-store" });
      if (!answer.ok) {
        show(output, false, `无法下载（${answer.status}）`, `could not download (${answer.status})`);
        return;
      }
      const digest = new Uint8Array(await crypto.subtle.digest(
        "SHA-256", await answer.arrayBuffer()));
      const got = toHex(digest);
      if (got === wanted) {
        show(output, true, "✓ 哈希已核验：下载的公开表与账本上的哈希一致",
             "✓ hash checked: the downloaded sheet matches the hash on the log");
      } else {
        show(output, false, `✗ 哈希不符：下载的文件哈希为 ${got}`,
             `✗ hash does not match: the downloaded file hashes to ${got}`);
      }
    } catch (error) {
      show(output, false, "无法下载", "could not download");
    } finally {
      button.disabled = false;
    }
  }

  for (const button of document.querySelectorAll("button.sheet-check")) {
    button.hidden = false;
    button.addEventListener("click", () => check(button));
  }
})();
