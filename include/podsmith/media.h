/// media: reads media files exactly. probe() (media_probe.h) decides the format from
/// the bytes and returns a MediaInfo: codec, exact duration (MP3 frames counted when a
/// VBR file has no Xing header), bitrate, tags, chapters and artwork. probe_cache.h
/// keeps results between builds; probe_report.h prints them. Start with media_probe.h.
/// tag_writer.h writes tags and chapters into a media file without re-encoding it;
/// apart from that and the probe cache, nothing here writes.
#pragma once

#include "podsmith/base.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_cache.h"
#include "podsmith/media/probe_report.h"
#include "podsmith/media/tag_writer.h"
