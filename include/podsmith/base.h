/// base: what every other part of podsmith stands on. The model (model.h: Show and
/// Episode; media_info.h: what a media file holds) as plain structs, errors as values
/// (error.h), text hygiene (text.h), dates (dates.h), identifiers (ids.h), atomic file
/// writes (file_io.h) and the one HTTP client (http_client.h). Start with model.h.
/// Nothing here knows about feeds, workspaces or media formats; base includes nothing
/// of podsmith's above it.
#pragma once

#include "podsmith/base/dates.h"
#include "podsmith/base/error.h"
#include "podsmith/base/file_io.h"
#include "podsmith/base/http_client.h"
#include "podsmith/base/ids.h"
#include "podsmith/base/media_info.h"
#include "podsmith/base/model.h"
#include "podsmith/base/text.h"
