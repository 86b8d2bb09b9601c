/// media: reads media files exactly. probe() (media_probe.h) decides the format from
/// the bytes and returns a MediaInfo: codec, exact duration (MP3 frames counted when a
/// VBR file has no Xing header), bitrate, tags, chapters and artwork. probe_cache.h
/// keeps results between builds; probe_report.h prints them. Start with media_probe.h.
/// Reads files only; writes nothing but the probe cache.
#pragma once

#include "podsmith/base.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_cache.h"
#include "podsmith/media/probe_report.h"
