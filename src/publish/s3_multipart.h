// The arithmetic and the wire formats of S3 multipart uploads, for remote_s3.cpp:
// how a file is cut into parts, the query strings and XML bodies of the requests,
// what an answer says, and the ETag S3 gives the finished object. No I/O. Private
// to the library (tests/publish/s3_multipart_test.cpp reads it too).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace podsmith::s3 {

// S3's limits (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html):
// every part but the last is 5 MiB to 5 GiB, and an upload has 10,000 parts at most.
constexpr int64_t kMinPartBytes = int64_t{5} << 20;
constexpr int64_t kMaxPartBytes = int64_t{5} << 30;
constexpr int kMaxParts = 10'000;

/// One part of a file: its number (from 1) and its bytes.
struct FilePart {
  int number = 0;
  int64_t offset = 0;
  int64_t size_bytes = 0;
};

/// The part size for a file of `file_size` bytes when `wanted` is asked for:
/// `wanted` kept within 5 MiB and 5 GiB, and grown (to a whole MiB) until the file
/// fits in 10,000 parts.
int64_t part_size_for(int64_t file_size, int64_t wanted);

/// The parts of a file of `file_size` bytes (> 0), each `part_size` bytes (> 0)
/// but the last, which holds the rest.
std::vector<FilePart> part_layout(int64_t file_size, int64_t part_size);

/// The ETag S3 gives an object completed from these parts (each part's MD5 as 32
/// hex digits, in order of number): the MD5 of the parts' binary MD5s one after
/// the other, as hex, then "-" and the number of parts ("9b2cf535f27731c974343645a3985328-3").
/// Empty when a part's MD5 is not 32 hex digits.
std::string multipart_etag(const std::vector<std::string>& part_md5_hex);

/// A query string in SigV4's canonical form: each name and value percent-encoded
/// (every byte but A-Z a-z 0-9 - . _ ~, with uppercase hex; so "/" is %2F), the
/// pairs sorted by encoded name (then value), each written "name=value" even when
/// the value is empty ("uploads="), joined with "&". libcurl 7.88 signs the query
/// exactly as it is sent, while S3 signs this form of it: sent this way, the two agree.
std::string canonical_query(std::vector<std::pair<std::string, std::string>> params);

/// The body of a CompleteMultipartUpload request: each part's number and ETag,
/// in order of number.
std::string complete_multipart_xml(const std::vector<std::pair<int, std::string>>& parts);

/// The text of the first element `name` in an XML answer of S3 (<UploadId>,
/// <ETag>, <Code>), with the five predefined entities and numeric character
/// references decoded; nullopt when there is none. Not an XML parser: S3's answers
/// are flat enough for this, and a tag in a value is escaped.
std::optional<std::string> xml_element(const std::string& xml, const std::string& name);

/// An ETag without its quotes (and a W/ prefix), in lowercase.
std::string bare_etag(std::string etag);

/// True when `etag` (bare) is 32 hex digits: a single PUT's, or a part's, MD5.
bool is_md5_etag(const std::string& etag);

}  // namespace podsmith::s3
