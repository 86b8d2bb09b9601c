/// feed: the RSS feed both ways. rss_writer.h writes a Show as a podcast feed
/// (deterministic bytes); rss_reader.h reads any feed, however sloppy, into the model
/// and an element tree; notes.h turns Markdown or foreign HTML into the cleaned HTML
/// both of them carry; categories.h is Apple's category list; feed_source.h fetches a
/// feed from a path or URL. Start with rss_writer.h. Knows nothing of workspaces.
#pragma once

#include "podsmith/base.h"
#include "podsmith/feed/categories.h"
#include "podsmith/feed/feed_source.h"
#include "podsmith/feed/notes.h"
#include "podsmith/feed/rss_reader.h"
#include "podsmith/feed/rss_writer.h"
