/// Identifiers: random UUIDs for new episode GUIDs, name-based UUIDs (v5), and the
/// Podcasting 2.0 podcast:guid derived from a feed URL. Pure functions apart from
/// uuid_v4's read of the system's random source; no other I/O.
#pragma once

#include <string>
#include <string_view>

namespace podsmith {

/// A random (version 4, RFC 4122 variant) UUID in canonical lowercase form,
/// "xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx". Uses OpenSSL's CSPRNG, falling back
/// to std::random_device if it ever fails; never returns an empty string.
std::string uuid_v4();

/// The name-based (version 5, SHA-1) UUID of `name` in the namespace
/// `namespace_uuid` (canonical form, either case), lowercase. `name` is hashed as the
/// bytes given. Returns an empty string when `namespace_uuid` is not a UUID.
std::string uuid_v5(std::string_view namespace_uuid, std::string_view name);

/// The Podcasting 2.0 namespace for podcast:guid values.
inline constexpr std::string_view kPodcastGuidNamespace = "ead4c236-bf58-58c6-a2c6-a6b28d128cb6";

/// podcast:guid for a feed URL: uuid_v5(kPodcastGuidNamespace, url) after leading and
/// trailing ASCII whitespace, the scheme ("https://", any "scheme://") and trailing
/// slashes are removed. Nothing else is normalised (case, "www.", query) because
/// other tools hash the URL as written. "https://podnews.net/rss/" and
/// "podnews.net/rss" both give 9b024349-ccf0-5f69-a609-6b82873eab3c.
std::string podcast_guid_for_url(std::string_view feed_url);

/// True when `s` is exactly a UUID in the canonical 8-4-4-4-12 hex form (either
/// case, no braces, no "urn:uuid:" prefix). Version and variant are not checked.
bool is_uuid(std::string_view s);

}  // namespace podsmith
