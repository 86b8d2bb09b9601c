/// lint: checks any parsed feed against Apple Podcasts, Spotify, PSP-1, the Podcast
/// Index and RSS 2.0, offline or (--online) by fetching what the feed links to.
/// Findings are data with a rule id, severity, line:column and a hint. Start with
/// lint/lint.h. Reads feeds; writes nothing.
#pragma once

#include "podsmith/lint/lint.h"
#include "podsmith/workspace.h"
