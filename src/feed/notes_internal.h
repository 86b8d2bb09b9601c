/// The two ways render_notes() renders Markdown, for notes_fast_test.cpp to compare and to
/// check which one it takes; nothing else includes this. The fast way drives the
/// sanitizer from md4c's parser events; the slow way writes md4c's HTML and parses it
/// back with libxml2. They give the same bytes for every input the fast way accepts.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "podsmith/base/error.h"
#include "podsmith/feed/notes.h"

namespace podsmith::notes_internal {

/// render_notes() the fast way, or nullopt when `markdown` holds something only the
/// slow way renders exactly (raw HTML, a link in a link, nesting 200 deep, ...).
std::optional<RenderedNotes> render_notes_fast(std::string_view markdown);

/// render_notes() the slow way, whatever `markdown` holds.
Result<RenderedNotes> render_notes_slow(std::string_view markdown);

/// How many render_notes() calls on the calling thread took each way, and how many
/// times the thread had libxml2 parse HTML, whichever function of notes.h asked.
struct PathCounts {
  uint64_t fast = 0;
  uint64_t slow = 0;
  uint64_t html_parses = 0;
};
PathCounts path_counts();

}  // namespace podsmith::notes_internal
