/// The site subsystem: the show's website built from the same model as the feed
/// (site/site.h), and the WebVTT/SRT cue reader it shows transcripts with
/// (site/cues.h). It sits above feed and below workspace: the workspace's build
/// calls it and writes what it returns. Start with site/site.h.
#pragma once

#include "podsmith/site/cues.h"
#include "podsmith/site/site.h"
