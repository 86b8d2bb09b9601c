/// publish: puts a built workspace where it is served (remote.h: SFTP, FTP(S),
/// WebDAV/HTTP PUT, S3) so that the public feed never names a missing file, remembers
/// what went up (publish_manifest.h), then tells the directories (notify.h). Start with
/// publish/publish.h.
#pragma once

#include "podsmith/lint.h"
#include "podsmith/publish/notify.h"
#include "podsmith/publish/publish.h"
#include "podsmith/publish/publish_manifest.h"
#include "podsmith/publish/remote.h"
