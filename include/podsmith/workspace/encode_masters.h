/// Build's first step for episodes whose sidecar names a `master`: makes their
/// media file from the master with master_audio() (podsmith/audio/master.h) and the
/// feed's [encode] settings, incrementally: .podsmith/encode-cache.json records,
/// per media file, the master's content hash and the settings it was made with, so a
/// file is encoded again only when one of them (or the file itself) changed.
/// Masters are never written, and never published (no feed names them).
#pragma once

#include <string>
#include <vector>

#include "podsmith/base/error.h"
#include "podsmith/workspace/workspace.h"

namespace podsmith {

struct EncodedMedia {
  std::string media;    // workspace path of the made file
  std::string master;   // workspace path of its master
  bool encoded = false; // false: up to date, left alone
  MasterReport report;  // when encoded
};

struct EncodeMastersResult {
  std::vector<EncodedMedia> media;
  std::vector<Error> errors;  // a master that could not be mastered: named, with the sidecar
};

/// Makes every media file of `ws` that has a master and is missing or out of date;
/// `dry_run`: only says which (encoded = true), writes nothing. The settings are the
/// first feed's (by name) with an [encode] table, else MasterSettings' defaults;
/// the media file's extension must be the format's. Updates `listing` (as from
/// list_workspace_files) with the made files' sizes and mtimes, so later steps
/// see them.
EncodeMastersResult encode_masters(const std::string& root, const Workspace& ws, std::vector<ListedFile>* listing,
                                   bool dry_run);

}  // namespace podsmith
