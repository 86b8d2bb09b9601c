// The site as `podsmith serve` serves it, in Debian's chromium (headless, through
// playwright-core): every page of site/sitemap.xml loads with no console error and
// no request to another host; each episode's player reads its duration through a
// Range request (serve answers 206) and agrees with the feed's itunes:duration;
// chapter links seek; the transcript shows; Tab reaches the player and every
// chapter link; axe-core finds nothing serious; the JSON-LD carries what search
// engines read; Lighthouse scores the home page and one episode page.
//
//   node site_test.mjs URL WORKSPACE [--lighthouse] [--reload-check]
// --reload-check (serve runs with its reload script): last, edit a sidecar and wait
// for the open page to reload.
// Exit 0: all passed; 1: a check failed (each failure printed); 77: chromium
// cannot run here (skipped, with the reason).
import { chromium } from "playwright-core";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const [origin, workspace] = process.argv.slice(2);
const runLighthouse = process.argv.includes("--lighthouse");
const chromiumPath = process.env.PODSMITH_CHROMIUM || "/usr/bin/chromium";
const failures = [];
const fail = (where, what) => {
  failures.push(`${where}: ${what}`);
  console.log(`FAIL ${where}: ${what}`);
};
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);
const started = performance.now();

// ---- What the workspace says: base_url, the pages, each episode's duration ----
const feedFiles = readdirSync(join(workspace, "feeds")).filter((f) => f.endsWith(".toml"));
const baseUrls = feedFiles.map((f) => {
  const m = readFileSync(join(workspace, "feeds", f), "utf8").match(/^base_url\s*=\s*"([^"]+)"/m);
  return m[1];
});
const toLocal = (url) => {
  for (const base of baseUrls) if (url.startsWith(base)) return new URL(url.slice(base.length), origin).href;
  return null;
};
const sitemap = readFileSync(join(workspace, "site/sitemap.xml"), "utf8");
const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
if (pages.length === 0) fail("site/sitemap.xml", "lists no page");
const durations = new Map(); // local enclosure URL -> itunes:duration in seconds
const transcripts = new Set(); // local enclosure URLs of episodes with a transcript
for (const f of feedFiles) {
  const xml = readFileSync(join(workspace, "feeds", f.replace(/\.toml$/, ".xml")), "utf8");
  for (const item of xml.split("<item>").slice(1)) {
    const url = item.match(/<enclosure [^>]*url="([^"]+)"/)?.[1]?.replace(/&amp;/g, "&");
    const text = item.match(/<itunes:duration>([^<]+)</)?.[1];
    if (!url || !text) continue;
    const local = toLocal(url);
    if (!local) continue;
    durations.set(local, text.split(":").reduce((sum, part) => sum * 60 + Number(part), 0));
    if (item.includes("<podcast:transcript")) transcripts.add(local);
  }
}

// ---- The browser ----
const profile = mkdtempSync(join(tmpdir(), "podsmith-chromium-"));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
  });
} catch (e) {
  rmSync(profile, { recursive: true, force: true });
  console.log(`SKIP: chromium (${chromiumPath}) cannot run here: ${String(e.message).split("\n")[0]}`);
  process.exit(77);
}
console.log(`chromium ${context.browser()?.version() ?? ""} started in ${seconds(started)} s`);
const originHost = new URL(origin).host;

const jsonLdTypes = (blocks) => {
  const out = [];
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === "object") {
      out.push(node);
      if (node["@graph"]) walk(node["@graph"]);
    }
  };
  blocks.forEach(walk);
  return out;
};
const hasType = (node, type) => [].concat(node["@type"] ?? []).includes(type);

let episodePage = null;
const checked = performance.now();
for (const pageUrl of pages) {
  const url = toLocal(pageUrl);
  if (!url) {
    fail("site/sitemap.xml", `${pageUrl} does not start with base_url`);
    continue;
  }
  const where = new URL(url).pathname;
  const page = await context.newPage();
  const consoleErrors = [];
  const mediaStatuses = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith("data:") && new URL(r.url()).host !== originHost) fail(where, `request to another host: ${r.url()}`);
  });
  page.on("response", (r) => mediaStatuses.push([r.url(), r.status(), r.request().headers()["range"] ?? ""]));
  const response = await page.goto(url, { waitUntil: "load" });
  if (response.status() !== 200) fail(where, `status ${response.status()}`);

  // JSON-LD
  const blocks = await page.$$eval('script[type="application/ld+json"]', (ss) => ss.map((s) => s.textContent));
  const parsed = [];
  for (const b of blocks) {
    try {
      parsed.push(JSON.parse(b));
    } catch (e) {
      fail(where, `JSON-LD does not parse: ${e.message}`);
    }
  }
  const nodes = jsonLdTypes(parsed);
  const players = await page.$$("audio, video");
  if (where === "/") {
    if (!nodes.some((n) => hasType(n, "PodcastSeries"))) fail(where, "no PodcastSeries in the JSON-LD");
  }
  if (players.length > 0) {
    episodePage ??= url;
    const ep = nodes.find((n) => hasType(n, "PodcastEpisode"));
    if (!ep) fail(where, "no PodcastEpisode in the JSON-LD");
    else {
      for (const key of ["associatedMedia", "duration", "datePublished", "partOfSeries", "episodeNumber"]) {
        if (ep[key] === undefined || ep[key] === "") fail(where, `PodcastEpisode has no ${key}`);
      }
      if (ep.duration && !/^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/.test(ep.duration) || ep.duration === "P" || ep.duration === "PT")
        fail(where, `duration ${ep.duration} is not ISO 8601`);
      if (ep.datePublished && Number.isNaN(Date.parse(ep.datePublished))) fail(where, `datePublished ${ep.datePublished} is not a date`);
    }

    // The player: exactly one, preload="none", then its metadata through a range.
    if (players.length !== 1) fail(where, `${players.length} players (want exactly one)`);
    const player = players[0];
    const attrs = await player.evaluate((p) => ({ controls: p.controls, preload: p.getAttribute("preload"), src: p.currentSrc || p.src }));
    if (!attrs.controls) fail(where, "the player has no controls");
    if (attrs.preload !== "none") fail(where, `the player's preload is "${attrs.preload}", not "none"`);
    const duration = await player.evaluate((p) => new Promise((resolve) => {
      const done = () => resolve(p.duration);
      if (p.readyState >= 1) return done();
      p.addEventListener("loadedmetadata", done, { once: true });
      p.addEventListener("error", () => resolve(`error ${p.error?.code}`), { once: true });
      setTimeout(() => resolve("timeout"), 15000);
      p.preload = "metadata"; // preload="none" loads nothing until asked
      p.load();
    }));
    const src = await player.evaluate((p) => p.currentSrc);
    const want = durations.get(src);
    if (typeof duration !== "number") fail(where, `the player did not load its metadata: ${duration}`);
    else if (want === undefined) fail(where, `the player's ${src} is no enclosure of the feed`);
    else if (Math.abs(duration - want) > 0.5) fail(where, `the player says ${duration} s, the feed ${want} s`);
    else console.log(`   ${where}: the player says ${duration.toFixed(3)} s, the feed ${want} s`);
    const partial = mediaStatuses.filter(([u, status]) => u === src && status === 206);
    if (partial.length > 0) console.log(`   ${where}: ${partial.length} response(s) 206 for the media`);
    if (partial.length === 0) fail(where, `no 206 for ${src} (responses: ${JSON.stringify(mediaStatuses.filter(([u]) => u === src))})`);

    // Chapters seek.
    const chapters = await page.$$("a.chapter");
    for (const link of chapters) {
      const start = Number(await link.getAttribute("data-start"));
      const href = await link.getAttribute("href");
      if (href !== `#t=${await link.getAttribute("data-start")}`) fail(where, `chapter link href ${href} does not match data-start`);
      await link.click();
      const at = await player.evaluate((p, s) => new Promise((resolve) => {
        const check = () => Math.abs(p.currentTime - s) < 0.25;
        if (check() && !p.seeking) return resolve(p.currentTime);
        const t = setTimeout(() => resolve(p.currentTime), 5000);
        p.addEventListener("seeked", () => { clearTimeout(t); resolve(p.currentTime); }, { once: true });
      }), start);
      if (Math.abs(at - start) > 0.25) fail(where, `chapter at ${start} s moved the player to ${at} s`);
    }

    // The transcript shows where the feed has one.
    if (transcripts.has(src)) {
      const transcript = await page.$("#transcript");
      if (!transcript) fail(where, 'the episode has a transcript and the page no id="transcript"');
      else if (!(await transcript.isVisible()) || !(await transcript.innerText()).trim()) fail(where, "the transcript is not visible");
    }

    // Tab alone reaches the player and every chapter link: from the top of a fresh
    // page (a clicked link would stay the starting point of Tab otherwise).
    await page.goto(url, { waitUntil: "load" });
    const reached = new Set();
    for (let i = 0; i < 300; ++i) {
      await page.keyboard.press("Tab");
      const id = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return "BODY";
        if (el.matches("audio, video")) return "PLAYER";
        return el.matches("a.chapter") ? `chapter ${el.dataset.start}` : el.tagName;
      });
      if (id === "BODY" && i > 0) break;
      reached.add(id);
    }
    if (!reached.has("PLAYER")) fail(where, "Tab never reaches the player");
    for (const s of await page.$$eval("a.chapter", (as) => as.map((a) => a.dataset.start))) {
      if (!reached.has(`chapter ${s}`)) fail(where, `Tab never reaches the chapter link at ${s} s`);
    }
  }

  // axe-core: nothing serious or critical.
  await page.addScriptTag({ path: join(here, "node_modules/axe-core/axe.min.js") });
  const violations = await page.evaluate(async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`));
  for (const v of violations) fail(where, `axe: ${v}`);

  for (const e of consoleErrors) fail(where, `console error: ${e}`);
  console.log(`${failures.some((f) => f.startsWith(where + ":")) ? "failed" : "ok"} ${where}`);
  await page.close();
}
// ---- Live reload (serve run without --no-reload): an edited sidecar reloads the open page ----
if (process.argv.includes("--reload-check")) {
  const where = "reload";
  const t = performance.now();
  const page = await context.newPage();
  const listening = page.waitForRequest((r) => r.url().endsWith("/_podsmith/events"), { timeout: 10000 });
  await page.goto(new URL("/", origin).href, { waitUntil: "load" });
  try {
    await listening;
    await page.waitForTimeout(200); // the stream's first bytes: the server now counts this page as open
    const reloaded = page.waitForEvent("load", { timeout: 15000 });
    const media = join(workspace, "media");
    const sidecar = readdirSync(media).find((f) => f.endsWith(".md"));
    const text = readFileSync(join(media, sidecar), "utf8");
    writeFileSync(join(media, `.${sidecar}.tmp`), text.replace(/^title = "(.*)"$/m, 'title = "$1 (edited)"'));
    renameSync(join(media, `.${sidecar}.tmp`), join(media, sidecar));
    await reloaded;
    console.log(`ok ${where}: the page reloaded ${seconds(t)} s after the page opened`);
  } catch (e) {
    fail(where, `the open page did not reload after media/ changed: ${String(e.message).split("\n")[0]}`);
  }
  await page.close();
}

await context.close();
rmSync(profile, { recursive: true, force: true });
console.log(`${pages.length} pages checked in ${seconds(checked)} s`);
if (!episodePage) fail("site", "no page has a player");

// ---- Lighthouse: the home page and one episode page ----
if (runLighthouse) {
  const floors = { accessibility: 95, seo: 95, "best-practices": 95, performance: 90 };
  for (const url of [new URL("/", origin).href, episodePage].filter(Boolean)) {
    const where = `lighthouse ${new URL(url).pathname}`;
    const t = performance.now();
    const dir = mkdtempSync(join(tmpdir(), "podsmith-lighthouse-"));
    try {
      await promisify(execFile)(join(here, "node_modules/.bin/lighthouse"), [
        url, `--only-categories=${Object.keys(floors).join(",")}`, "--output=json", `--output-path=${join(dir, "report.json")}`,
        "--quiet", `--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --user-data-dir=${join(dir, "profile")}`,
      ], { env: { ...process.env, CHROME_PATH: chromiumPath }, timeout: 120000 });
      const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
      if (report.runtimeError) fail(where, `runtime error: ${report.runtimeError.message}`);
      const scores = Object.fromEntries(Object.keys(floors).map((k) => [k, Math.round((report.categories[k]?.score ?? 0) * 100)]));
      for (const [k, floor] of Object.entries(floors)) {
        if (scores[k] < floor) {
          const lost = Object.values(report.audits)
            .filter((a) => report.categories[k].auditRefs.some((r) => r.id === a.id && r.weight > 0) && a.score !== null && a.score < 1)
            .map((a) => a.id);
          fail(where, `${k} ${scores[k]} < ${floor} (${lost.join(", ")})`);
        }
      }
      console.log(`${where}: ${JSON.stringify(scores)} in ${seconds(t)} s`);
    } catch (e) {
      fail(where, `lighthouse did not run: ${String(e.message).split("\n")[0]}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

console.log(`${failures.length ? `${failures.length} failures` : "all passed"} in ${seconds(started)} s`);
process.exit(failures.length ? 1 : 0);
