// `podsmith master IN [-o OUT] [--target -16] [--true-peak -1] [--format mp3|m4a|opus]
// [--bitrate 128k] [--mono]`: a publishable file from a master recording.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "base/json_writer.h"
#include "cli/commands.h"
#include "cli/terminal.h"
#include "podsmith/audio/loudness.h"
#include "podsmith/audio/master.h"

namespace podsmith::cli {
namespace {

struct MasterCommandOptions {
  std::string input;
  std::string output;
  double target = -16;
  double true_peak = -1;
  std::string format = "mp3";
  std::string bitrate = "128k";
  bool mono = false;
  bool json = false;
  bool dry_run = false;
};

std::string fixed(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

void write_loudness(JsonWriter& j, const Loudness& l) {
  j.begin_object();
  j.key("integrated_lufs").raw(fixed(l.integrated_lufs));
  j.key("range_lu").raw(fixed(l.range_lu));
  j.key("true_peak_dbtp").raw(fixed(l.true_peak_dbtp));
  j.key("sample_peak_dbfs").raw(fixed(l.sample_peak_dbfs));
  j.end_object();
}

int run_master(const MasterCommandOptions& opt) {
  MasterSettings settings;
  settings.format = *parse_encode_format(opt.format);  // checked by CLI11
  const auto kbps = parse_bitrate_kbps(opt.bitrate);
  if (!kbps) {
    print_error(Error{ErrorCode::kInvalidInput, "--bitrate '" + opt.bitrate + "' is not a bitrate like 128k (8k to 512k)",
                      "", 0, 0});
    return kExitUsage;
  }
  settings.bitrate_kbps = *kbps;
  settings.channels = opt.mono ? 1 : 0;
  settings.target_lufs = opt.target;
  settings.true_peak_dbtp = opt.true_peak;
  std::string output = opt.output;
  if (output.empty())
    output = std::filesystem::path(opt.input).replace_extension(encode_format_extension(settings.format)).string();
  std::error_code ec;
  if (std::filesystem::equivalent(opt.input, output, ec)) {
    print_error(Error{ErrorCode::kInvalidInput, "the output would replace the master; name another with -o",
                      opt.input, 0, 0});
    return kExitUsage;
  }
  if (opt.dry_run) {
    auto loudness = measure_loudness(opt.input);
    if (!loudness) {
      print_error(loudness.error());
      return kExitFailed;
    }
    std::printf("would master %s (%s LUFS, true peak %s dBTP) with %+.1f dB to %s\n", opt.input.c_str(),
                fixed(loudness->integrated_lufs).c_str(), fixed(loudness->true_peak_dbtp).c_str(),
                opt.target - loudness->integrated_lufs, output.c_str());
    return kExitOk;
  }
  auto report = master_audio(opt.input, output, settings);
  if (!report) {
    print_error(report.error());
    return kExitFailed;
  }
  if (opt.json) {
    std::string out;
    JsonWriter j(&out, 2);
    j.begin_object();
    j.key("master").value(opt.input);
    j.key("output").value(output);
    j.key("format").value(encode_format_name(settings.format));
    j.key("bitrate_kbps").value(settings.bitrate_kbps);
    j.key("sample_rate_hz").value(report->rate_hz);
    j.key("channels").value(report->channels);
    j.key("gain_db").raw(fixed(report->gain_db));
    j.key("encodes").value(report->encodes);
    j.key("limited_ms").value(static_cast<int64_t>(report->limited_ms));
    j.key("master_loudness");
    write_loudness(j, report->master);
    j.key("loudness");
    write_loudness(j, report->output);
    j.end_object();
    std::printf("%s\n", out.c_str());
  } else {
    std::printf("wrote %s: %s LUFS, true peak %s dBTP (master %s LUFS, gain %+.1f dB, %d encode%s, limiter on %zu ms)\n",
                output.c_str(), fixed(report->output.integrated_lufs).c_str(),
                fixed(report->output.true_peak_dbtp).c_str(), fixed(report->master.integrated_lufs).c_str(),
                report->gain_db, report->encodes, report->encodes == 1 ? "" : "s", report->limited_ms);
  }
  return kExitOk;
}

}  // namespace

void setup_master(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<MasterCommandOptions>();
  CLI::App* sub = app.add_subcommand("master", "Make a publishable file from a master: loudness, true peak, encode");
  sub->footer(
      "Decodes the master (WAV, FLAC, AIFF or anything podsmith reads), applies the one gain\n"
      "that reaches the target loudness, a look-ahead true-peak limiter that only touches\n"
      "peaks above the ceiling, resamples where the format needs it, and encodes (MP3 with\n"
      "LAME, M4A with AAC, Opus with libopus). Then it measures the encoded file: it must be\n"
      "within 0.5 LU of the target with its true peak at or below the ceiling, or podsmith\n"
      "corrects the gain and encodes again (at most twice more), or fails with the figures.\n"
      "The master is never modified; the output appears whole or not at all. No tags are written.\n\n"
      "Examples:\n"
      "  podsmith master recordings/ep12.wav -o media/ep12.mp3\n"
      "  podsmith master ep12.flac --format m4a --bitrate 96k --mono --target -16 --true-peak -1\n\n"
      "Exit codes: 0 written, 1 the master could not be mastered (not audio, cut short,\n"
      "silent, more than two channels, a sample rate under 8 kHz, too quiet, off target),\n"
      "2 usage error.");
  sub->add_option("input", opt->input, "The master recording")->required()->type_name("IN");
  sub->add_option("-o,--output", opt->output, "Where to write (default: IN with the format's extension)")
      ->type_name("OUT");
  sub->add_option("--target", opt->target, "Integrated loudness in LUFS (default: -16)")->type_name("LUFS");
  sub->add_option("--true-peak", opt->true_peak, "True-peak ceiling in dBTP (default: -1)")->type_name("DBTP");
  sub->add_option("--format", opt->format, "mp3, m4a or opus (default: mp3)")
      ->check(CLI::IsMember({"mp3", "m4a", "opus"}));
  sub->add_option("--bitrate", opt->bitrate, "Bitrate, like 128k (default: 128k)")->type_name("RATE");
  sub->add_flag("--mono", opt->mono, "Mix down to one channel (speech)");
  sub->add_flag("--json", opt->json, "Print the result as one JSON object");
  sub->add_flag("-n,--dry-run", opt->dry_run, "Measure the master and say what would be done; write nothing");
  sub->callback([opt, exit_code] { *exit_code = run_master(*opt); });
}

}  // namespace podsmith::cli
