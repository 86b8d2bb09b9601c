// The RSS writer: the one place that writes XML with pugixml.
#include "podsmith/feed/rss_writer.h"

#include <algorithm>
#include <cstdio>
#include <string_view>
#include <vector>
#include <pugixml.hpp>

#include "base/parallel.h"
#include "podsmith/media/probe_report.h"
#include "podsmith/base/text.h"
#include "podsmith/base/dates.h"

namespace podsmith {
namespace {

constexpr const char* kItunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
constexpr const char* kPodcast = "https://podcastindex.org/namespace/1.0";
constexpr const char* kContent = "http://purl.org/rss/1.0/modules/content/";
constexpr const char* kAtom = "http://www.w3.org/2005/Atom";
constexpr const char* kPsc = "http://podlove.org/simple-chapters";

// Every string reaches the tree through this, so it is valid XML text: as it is
// when it is already (nearly always; no copy), else cleaned.
template <class NodeOrAttribute>
void set_clean(NodeOrAttribute target, const std::string& value) {
  if (is_clean_text(value)) {
    target.set_value(value.data(), value.size());
  } else {
    const std::string clean = clean_text(value);
    target.set_value(clean.data(), clean.size());
  }
}

pugi::xml_node add_text(pugi::xml_node parent, const char* name, const std::string& value) {
  pugi::xml_node node = parent.append_child(name);
  set_clean(node.append_child(pugi::node_pcdata), value);
  return node;
}
void add_if(pugi::xml_node parent, const char* name, const std::string& value) {
  if (!value.empty()) add_text(parent, name, value);
}
void add_cdata(pugi::xml_node parent, const char* name, const std::string& html) {
  // pugixml splits a "]]>" inside the text over two CDATA sections.
  set_clean(parent.append_child(name).append_child(pugi::node_cdata), html);
}
void attr(pugi::xml_node node, const char* name, const std::string& value) {
  set_clean(node.append_attribute(name), value);
}
void attr_if(pugi::xml_node node, const char* name, const std::string& value) {
  if (!value.empty()) attr(node, name, value);
}

std::string yes_no(bool v) { return v ? "yes" : "no"; }
std::string true_false(bool v) { return v ? "true" : "false"; }

void add_person(pugi::xml_node parent, const Person& p) {
  pugi::xml_node node = add_text(parent, "podcast:person", p.name);
  attr_if(node, "role", p.role);
  attr_if(node, "group", p.group);
  attr_if(node, "img", p.img);
  attr_if(node, "href", p.href);
}

void add_channel(pugi::xml_node channel, const Show& s) {
  add_text(channel, "title", s.title);
  // Before the description: feedparser reads the later of the two as both.
  add_if(channel, "itunes:subtitle", s.subtitle);
  add_if(channel, "link", s.link);
  add_cdata(channel, "description", s.description_html);
  add_if(channel, "language", s.language);
  add_if(channel, "copyright", s.copyright);
  add_text(channel, "generator", "podsmith");
  std::optional<Timestamp> built = s.updated;
  if (!built) {
    for (const Episode& e : s.episodes)
      if (e.date && (!built || e.date->unix_seconds > built->unix_seconds)) built = e.date;
  }
  if (built) add_text(channel, "lastBuildDate", format_rfc2822(*built));

  pugi::xml_node self = channel.append_child("atom:link");
  attr(self, "href", s.feed_url);
  attr(self, "rel", "self");
  attr(self, "type", "application/rss+xml");
  if (!s.websub_hub.empty()) {
    pugi::xml_node hub = channel.append_child("atom:link");
    attr(hub, "href", s.websub_hub);
    attr(hub, "rel", "hub");
  }
  if (!s.image.empty()) {
    pugi::xml_node image = channel.append_child("image");
    add_text(image, "url", s.image);
    add_text(image, "title", s.title);
    add_if(image, "link", s.link);
    attr(channel.append_child("itunes:image"), "href", s.image);
  }
  add_text(channel, "itunes:summary", s.description_text);
  // The owner before the author: feedparser lets a later itunes:name
  // overwrite the channel's author.
  if (!s.owner_name.empty() || !s.owner_email.empty()) {
    pugi::xml_node owner = channel.append_child("itunes:owner");
    add_if(owner, "itunes:name", s.owner_name);
    add_if(owner, "itunes:email", s.owner_email);
  }
  add_if(channel, "itunes:author", s.author);
  for (const Category& c : s.categories) {
    pugi::xml_node node = channel.append_child("itunes:category");
    attr(node, "text", c.name);
    if (!c.subcategory.empty()) attr(node.append_child("itunes:category"), "text", c.subcategory);
  }
  if (s.explicit_content) add_text(channel, "itunes:explicit", true_false(*s.explicit_content));
  add_if(channel, "itunes:keywords", s.keywords);
  add_if(channel, "itunes:type", s.type);
  add_if(channel, "itunes:new-feed-url", s.new_feed_url);
  if (s.block) add_text(channel, "itunes:block", "Yes");
  if (s.complete) add_text(channel, "itunes:complete", "Yes");

  add_if(channel, "podcast:guid", s.podcast_guid);
  pugi::xml_node locked = add_text(channel, "podcast:locked", yes_no(s.locked));
  attr_if(locked, "owner", s.locked_owner);
  for (const Funding& f : s.funding) attr(add_text(channel, "podcast:funding", f.text), "url", f.url);
  for (const Person& p : s.persons) add_person(channel, p);
  if (!s.license.empty()) attr_if(add_text(channel, "podcast:license", s.license), "url", s.license_url);
  add_if(channel, "podcast:medium", s.medium);
  if (!s.update_frequency.empty())
    attr_if(add_text(channel, "podcast:updateFrequency", s.update_frequency), "rrule", s.update_rrule);
}

void add_item(pugi::xml_node channel, const Episode& e) {
  pugi::xml_node item = channel.append_child("item");
  add_text(item, "title", e.title);
  add_text(item, "itunes:title", e.title);
  add_if(item, "itunes:subtitle", e.subtitle);
  add_if(item, "link", e.link);
  pugi::xml_node guid = add_text(item, "guid", e.guid);
  attr(guid, "isPermaLink", "false");
  // An item imported without one keeps having none: a date is never invented.
  if (e.date) add_text(item, "pubDate", format_rfc2822(*e.date));
  add_cdata(item, "description", e.summary_html);
  if (!e.notes_html.empty()) add_cdata(item, "content:encoded", e.notes_html);
  add_if(item, "itunes:author", e.author);
  pugi::xml_node enclosure = item.append_child("enclosure");
  attr(enclosure, "url", e.enclosure.url);
  attr(enclosure, "length", std::to_string(e.enclosure.length_bytes));
  attr(enclosure, "type", e.enclosure.type);
  // Apple asks for the duration in seconds.
  add_text(item, "itunes:duration", std::to_string((e.duration_ms + 500) / 1000));
  if (!e.image.empty()) attr(item.append_child("itunes:image"), "href", e.image);
  if (e.explicit_content) add_text(item, "itunes:explicit", true_false(*e.explicit_content));
  if (e.season) add_text(item, "itunes:season", std::to_string(*e.season));
  if (e.episode) add_text(item, "itunes:episode", std::to_string(*e.episode));
  add_text(item, "itunes:episodeType", e.episode_type.empty() ? "full" : e.episode_type);
  add_if(item, "itunes:keywords", e.keywords);
  if (e.block) add_text(item, "itunes:block", "Yes");
  if (e.season) add_text(item, "podcast:season", std::to_string(*e.season));
  if (e.episode) add_text(item, "podcast:episode", std::to_string(*e.episode));
  for (const Person& p : e.persons) add_person(item, p);
  if (!e.chapters_url.empty()) {
    pugi::xml_node ch = item.append_child("podcast:chapters");
    attr(ch, "url", e.chapters_url);
    attr(ch, "type", "application/json+chapters");
  }
  for (const Transcript& t : e.transcripts) {
    pugi::xml_node tx = item.append_child("podcast:transcript");
    attr(tx, "url", t.url);
    attr(tx, "type", t.type);
    attr_if(tx, "language", t.language);
    attr_if(tx, "rel", t.rel);
  }
  if (!e.chapters.empty()) {
    pugi::xml_node psc = item.append_child("psc:chapters");
    attr(psc, "version", "1.2");
    for (const Chapter& c : e.chapters) {
      pugi::xml_node ch = psc.append_child("psc:chapter");
      attr(ch, "start", format_clock(c.start_ms));
      attr(ch, "title", c.title);
      attr_if(ch, "href", c.url);
      attr_if(ch, "image", c.image_url);
    }
  }
}

// Collects what pugixml writes, straight into a string: through an ostringstream,
// a feed was copied twice more.
struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override { out.append(static_cast<const char*>(data), size); }
};

constexpr const char* kIndent = "  ";
constexpr unsigned kFormat = pugi::format_indent;

}  // namespace

std::string url_for_path(const std::string& base, const std::string& path) {
  return base + percent_encode(path, "/");
}

std::string write_rss(const Show& show) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node rss = doc.append_child("rss");
  rss.append_attribute("version") = "2.0";
  rss.append_attribute("xmlns:itunes") = kItunes;
  rss.append_attribute("xmlns:podcast") = kPodcast;
  rss.append_attribute("xmlns:content") = kContent;
  rss.append_attribute("xmlns:atom") = kAtom;
  rss.append_attribute("xmlns:psc") = kPsc;
  pugi::xml_node channel = rss.append_child("channel");
  add_channel(channel, show);
  StringWriter head;
  doc.save(head, kIndent, kFormat, pugi::encoding_utf8);
  // The items go where the channel closes. Each is written on its own (a few
  // dozen to a tree, the trees on every core) at the depth it has in the feed,
  // so the bytes are those of writing the whole tree at once.
  const std::string_view tail = "  </channel>\n</rss>\n";
  std::string& out = head.out;
  if (out.size() < tail.size() || std::string_view(out).substr(out.size() - tail.size()) != tail) {
    for (const Episode& e : show.episodes) add_item(channel, e);  // never: the channel always has a title
    StringWriter whole;
    doc.save(whole, kIndent, kFormat, pugi::encoding_utf8);
    return std::move(whole.out);
  }
  out.resize(out.size() - tail.size());
  constexpr size_t kItemsPerTree = 32;
  std::vector<StringWriter> parts((show.episodes.size() + kItemsPerTree - 1) / kItemsPerTree);
  parallel_for(parts.size(), 0, [&](size_t k) {
    pugi::xml_document items;
    const size_t end = std::min(show.episodes.size(), (k + 1) * kItemsPerTree);
    for (size_t i = k * kItemsPerTree; i < end; ++i) add_item(items, show.episodes[i]);
    for (pugi::xml_node item = items.first_child(); item; item = item.next_sibling())
      item.print(parts[k], kIndent, kFormat, pugi::encoding_utf8, 2);
  });
  size_t total = out.size() + tail.size();
  for (const StringWriter& p : parts) total += p.out.size();
  out.reserve(total);
  for (const StringWriter& p : parts) out += p.out;
  out += tail;
  return std::move(out);
}

}  // namespace podsmith
