/// workspace: the folder a producer keeps in git and what is made from it.
/// workspace.h loads feeds/*.toml and the media sidecars; build.h turns them into
/// feeds (probing media, rendering notes, writing every output atomically);
/// scaffold.h is `init` and `add`, import.h turns a foreign feed into a workspace;
/// chapters.h and transcripts.h read the files kept beside the media; tagging.h
/// writes each episode's metadata into its media file. Start with build.h.
#pragma once

#include "podsmith/feed.h"
#include "podsmith/media.h"
#include "podsmith/workspace/build.h"
#include "podsmith/workspace/chapters.h"
#include "podsmith/workspace/import.h"
#include "podsmith/workspace/scaffold.h"
#include "podsmith/workspace/tagging.h"
#include "podsmith/workspace/transcripts.h"
#include "podsmith/workspace/workspace.h"
