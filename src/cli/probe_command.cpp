// `podsmith probe FILE... [--json]`: what podsmith reads from media files.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "podsmith/audio/loudness.h"
#include "podsmith/media/media_probe.h"
#include "podsmith/media/probe_report.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct ProbeCommandOptions {
  std::vector<std::string> files;
  bool json = false;
  bool loudness = false;
  unsigned jobs = 0;
};

int run_probe(const ProbeCommandOptions& opt) {
  // Results stream out in the order given while later files are still being read.
  // A progress bar only when the results are not going to the same terminal.
  Progress progress("probing", opt.files.size(), !stdout_is_terminal() && opt.files.size() > 1);
  bool failed = false;
  bool warned = false;
  // Into a file or a pipe, results are written in 64 KiB pieces rather than
  // stdio's 4 KiB: one write() for every hundred files instead of every eight.
  // (A terminal still gets each result as it comes.)
  static char out_buffer[64 << 10];
  if (!stdout_is_terminal()) std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
  if (opt.json) std::fputs("[", stdout);
  const auto show = [&](size_t index, Result<MediaInfo> result) {
    const std::string& path = opt.files[index];
    if (!result) {
      failed = true;
      progress.finish();
      print_error(result.error());
    } else {
      for (const std::string& w : result->warnings) {
        warned = true;
        progress.finish();
        print_warning(path, w);
      }
    }
    if (opt.json) {
      std::string object = probe_json(result, path);
      std::fputs(index == 0 ? "\n" : ",\n", stdout);
      std::fwrite(object.data(), 1, object.size(), stdout);
    } else {
      std::string block = (index == 0 ? "" : "\n") + probe_text(result, path);
      std::fwrite(block.data(), 1, block.size(), stdout);
    }
    progress.update(index + 1);
  };
  if (opt.loudness)
    probe_loudness_each(opt.files, show, opt.jobs);
  else
    probe_each(opt.files, show, ProbeOptions{}, opt.jobs);
  progress.finish();
  if (opt.json) std::fputs(opt.files.empty() ? "]\n" : "\n]\n", stdout);
  std::fflush(stdout);
  return failed ? kExitFailed : warned ? kExitWarnings : kExitOk;
}

}  // namespace

void setup_probe(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<ProbeCommandOptions>();
  CLI::App* sub = app.add_subcommand("probe", "Show what podsmith reads from media files");
  sub->footer(
      "Reads format, codec, exact duration, bitrate, sample rate, channels, size, the MIME\n"
      "type for an RSS enclosure (decided by the file's content), tags, artwork and chapters.\n"
      "Files are read in parallel; results are printed in the order given.\n"
      "--loudness also decodes each file and measures it per ITU-R BS.1770-4 / EBU R128:\n"
      "integrated loudness (LUFS), loudness range (LU), true peak (dBTP), sample peak.\n\n"
      "Examples:\n"
      "  podsmith probe media/episode1.mp3\n"
      "  podsmith probe --json media/*.mp3 | jq '.[].duration_ms'\n"
      "  podsmith probe --loudness --json media/ep1.mp3 | jq '.[0].loudness.integrated_lufs'\n\n"
      "Exit codes: 0 all read, 1 some file could not be read (or, with --loudness, decoded,\n"
      "or it is silent, so that its loudness is undefined), 2 usage error,\n"
      "3 all read but with warnings (cleaned tags, cut-off stream, wrong extension).");
  sub->add_option("files", opt->files, "Media files to read")->required()->type_name("FILE");
  sub->add_flag("--json", opt->json, "Print one JSON array with an object per file (keys: see README)");
  sub->add_flag("--loudness", opt->loudness,
                "Also decode and measure loudness: integrated LUFS, range, true peak, sample peak");
  sub->add_option("-j,--jobs", opt->jobs, "Files read at once (default: one per core)")->type_name("N");
  sub->callback([opt, exit_code] { *exit_code = run_probe(*opt); });
}

}  // namespace podsmith::cli
