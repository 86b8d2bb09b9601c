/// The named character references of HTML 4 (the 252 of its DTDs, plus &apos; and the
/// upper-case &AMP; &LT; &GT; &QUOT; &COPY; &REG; that HTML 5 also accepts), for
/// feeds that write &nbsp; or &eacute; where XML defines only five names. Internal
/// to the RSS reader. Pure lookup; no I/O.
#pragma once

#include <string_view>

namespace podsmith {

/// The UTF-8 text of the entity `name` (without '&' and ';', case-sensitive:
/// "eacute" and "Eacute" differ), or an empty view when HTML 4 does not define it.
std::string_view html_entity_utf8(std::string_view name);

}  // namespace podsmith
