/// The audio subsystem: decodes media with FFmpeg's libraries (loaded on first use)
/// to measure loudness (loudness.h) and to master a recording to a loudness target
/// and encode it (master.h). Above media, below feed. Start with master.h.
#pragma once

#include "podsmith/media.h"
#include "podsmith/audio/loudness.h"
#include "podsmith/audio/master.h"
