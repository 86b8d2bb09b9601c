// `podsmith add MEDIA... [--notes F|-]`: a sidecar per media file.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>

#include "cli/commands.h"
#include "podsmith/base/dates.h"
#include "podsmith/base/file_io.h"
#include "podsmith/workspace/scaffold.h"
#include "cli/terminal.h"

namespace podsmith::cli {
namespace {

struct AddCommandOptions {
  std::vector<std::string> media;
  std::string notes_file;
  std::string date;
  std::string root = ".";
  AddOptions add;
  int season = 0;
  int episode = 0;
};

int run_add(AddCommandOptions opt) {
  if (!opt.notes_file.empty()) {
    if (opt.notes_file == "-") {
      opt.add.notes_markdown.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    } else {
      auto notes = read_file(opt.notes_file);
      if (!notes) {
        print_error(notes.error());
        return kExitFailed;
      }
      opt.add.notes_markdown = std::move(*notes);
    }
  }
  if (!opt.date.empty()) {
    opt.add.date = parse_rfc3339(opt.date);
    if (!opt.add.date) {
      print_error(Error{ErrorCode::kInvalidInput,
                        "--date '" + opt.date + "' is not a date with a UTC offset, like 2024-05-01T09:00:00+02:00",
                        "", 0, 0});
      return kExitUsage;
    }
  }
  if (opt.season > 0) opt.add.season = opt.season;
  if (opt.episode > 0) opt.add.episode = opt.episode;
  auto added = add_episodes(opt.root, opt.media, opt.add);
  if (!added) {
    print_error(added.error());
    return kExitFailed;
  }
  for (const AddedEpisode& a : *added) {
    if (a.copied) std::printf("copied %s\n", opt.add.master ? "the master" : a.media.c_str());
    std::printf("wrote %s (guid %s, %s%s)\n", a.sidecar.c_str(), a.guid.c_str(), format_rfc3339(a.date).c_str(),
                a.episode ? (", episode " + std::to_string(*a.episode)).c_str() : "");
  }
  return kExitOk;
}

}  // namespace

void setup_add(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<AddCommandOptions>();
  CLI::App* sub = app.add_subcommand("add", "Add episodes: write a sidecar (guid, date, number, notes) per media file");
  sub->footer(
      "The guid and date are written once, here, and never change. Media outside media/\n"
      "is copied in. Refuses to overwrite an existing sidecar.\n\n"
      "Examples:\n"
      "  podsmith add ~/Recordings/ep12.mp3 --notes ep12-notes.md\n"
      "  podsmith add media/ep13.m4a --title \"Q&A\" --date 2024-05-01T09:00:00+02:00 --type bonus\n"
      "  podsmith add --master ~/Recordings/ep14.wav --notes ep14-notes.md");
  sub->add_option("media", opt->media, "Media files")->required()->type_name("MEDIA");
  sub->add_option("--feed", opt->add.feed, "The feed whose episode numbers continue (default: the only feed)");
  sub->add_option("--notes", opt->notes_file, "Show notes in Markdown, from a file or - for stdin")->type_name("FILE|-");
  sub->add_option("--title", opt->add.title, "Title (default: the title tag, else the file name)");
  sub->add_option("--date", opt->date, "Publication date, RFC 3339 with offset (default: now)")->type_name("DATE");
  sub->add_option("--season", opt->season, "Season number")->check(CLI::PositiveNumber);
  sub->add_option("--episode", opt->episode, "Episode number (default: the feed's next)")->check(CLI::PositiveNumber);
  sub->add_option("--type", opt->add.episode_type, "full, trailer or bonus")->check(CLI::IsMember({"full", "trailer", "bonus"}));
  sub->add_flag("--master", opt->add.master,
                "The files are masters: build makes the media from them with the feed's [encode]");
  sub->add_option("-C,--root", opt->root, "The workspace's root (default: here)")->type_name("DIR");
  sub->callback([opt, exit_code] { *exit_code = run_add(*opt); });
}

}  // namespace podsmith::cli
