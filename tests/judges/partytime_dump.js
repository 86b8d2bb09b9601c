#!/usr/bin/env node
// Judge: podcast-partytime (the Podcast Index's parser).
//   node tests/judges/partytime_dump.js FEED.xml
// Prints ONE normalized JSON document on stdout (schema shared with
// feedparser_dump.py; see tests/judges/README.md). Absent values are null,
// dates are Unix seconds, durations seconds. Keys this parser cannot provide
// are null and listed in the top-level "unsupported" array as dotted paths
// ("channel.X", "items.X").
// Exit status: 0 on success, 1 when the file can't be read or partytime
// rejects it (not well-formed XML, not RSS/Atom), 2 on bad usage.
"use strict";

// partytime logs through pino, which writes to stdout; keep stdout for our JSON.
process.env.PARTYTIME_LOG = "silent";

const fs = require("fs");
const { parseFeed } = require("podcast-partytime"); // resolved from this file's folder

// Fields partytime has no notion of (none at the moment: it reads every key of
// the schema, with the quirks noted below).
const UNSUPPORTED = [];

function str(v) {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v === "" ? null : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return null;
}

function num(v) {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  return null;
}

function bool(v) {
  return typeof v === "boolean" ? v : null;
}

function unixSeconds(d) {
  if (d === undefined || d === null) return null;
  const t = d instanceof Date ? d.getTime() : new Date(d).getTime();
  return Number.isFinite(t) ? Math.floor(t / 1000) : null;
}

function lower(v) {
  const s = str(v);
  return s === null ? null : s.toLowerCase();
}

// partytime capitalises roles and groups from the taxonomy ("Host", "Cast",
// "Audio Post-Production"); the podcast namespace says they are
// case-insensitive and recommends lower case, so compare in lower case.
// NB: partytime maps an absent OR unknown role to "host" and group to "cast".
function persons(list) {
  if (!Array.isArray(list)) return [];
  return list.map((p) => ({
    name: str(p && p.name),
    role: lower(p && p.role),
    group: lower(p && p.group),
    href: str(p && p.href),
    img: str(p && p.img),
  }));
}

function channelOf(feed) {
  const owner = feed.owner || {};
  const image = str(feed.itunesImage) ?? str(feed.image && feed.image.url);
  return {
    title: str(feed.title),
    link: str(feed.link),
    description: str(feed.description),
    language: str(feed.language),
    author: str(feed.author),
    owner_name: str(owner.name),
    owner_email: str(owner.email),
    image,
    explicit: bool(feed.explicit),
    type: str(feed.itunesType),
    // partytime writes "Parent > Child" and drops categories not on Apple's list.
    categories: Array.isArray(feed.itunesCategory)
      ? feed.itunesCategory.map((c) => String(c).split(/\s*>\s*/).join("/"))
      : [],
    podcast_guid: str(feed.guid),
    locked: bool(feed.locked),
    funding: Array.isArray(feed.podcastFunding)
      ? feed.podcastFunding.map((f) => ({ url: str(f && f.url), text: str(f && f.message) }))
      : [],
    persons: persons(feed.podcastPeople),
    medium: str(feed.medium),
    new_feed_url: str(feed.itunesNewFeedUrl),
    self_url: str(feed.pubsub && feed.pubsub.self),
  };
}

function itemOf(it) {
  const enc = it.enclosure;
  const chapters = it.podcastChapters || {};
  return {
    title: str(it.title),
    guid: str(it.guid),
    pub_date: unixSeconds(it.pubDate),
    enclosure: enc
      ? { url: str(enc.url), length: num(enc.length), type: str(enc.type) }
      : null,
    duration_s: num(it.duration),
    season: num(it.itunesSeason),
    episode: num(it.itunesEpisode),
    episode_type: str(it.itunesEpisodeType),
    explicit: bool(it.explicit),
    image: str(it.itunesImage) ?? str(it.image),
    link: str(it.link),
    persons: persons(it.podcastPeople),
    chapters_url: str(chapters.url),
    chapters_type: str(chapters.type),
    transcripts: Array.isArray(it.podcastTranscripts)
      ? it.podcastTranscripts.map((t) => ({
          url: str(t && t.url),
          type: str(t && t.type),
          language: str(t && t.language),
          rel: str(t && t.rel),
        }))
      : [],
    description: str(it.description),
  };
}

function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write("usage: partytime_dump.js FEED.xml\n");
    return 2;
  }
  let xml;
  try {
    xml = fs.readFileSync(argv[0], "utf8");
  } catch (e) {
    process.stderr.write(`partytime_dump: cannot read ${argv[0]}: ${e.message}\n`);
    return 1;
  }
  let feed;
  try {
    feed = parseFeed(xml);
  } catch (e) {
    process.stderr.write(`partytime_dump: partytime threw on ${argv[0]}: ${e.stack || e}\n`);
    return 1;
  }
  if (!feed) {
    process.stderr.write(`partytime_dump: partytime rejected ${argv[0]} (not well-formed, or not RSS/Atom)\n`);
    return 1;
  }
  const out = {
    judge: "podcast-partytime",
    channel: channelOf(feed),
    items: Array.isArray(feed.items) ? feed.items.map(itemOf) : [],
    unsupported: UNSUPPORTED,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
