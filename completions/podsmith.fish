# fish completion for podsmith
#
# Installed as share/fish/vendor_completions.d/podsmith.fish. Kept by hand beside the
# commands: tests/packaging/check_completions.py fails when a command or option that
# `podsmith --help` lists is missing here.

set -l commands init add build import lint publish serve probe master tag

# Feed names of the workspace: feeds/NAME.toml under the -C/--root given, else here.
function __podsmith_feeds
    set -l root .
    set -l words (commandline -opc)
    for i in (seq (count $words))
        switch $words[$i]
            case -C --root
                set -q words[(math $i + 1)]; and set root $words[(math $i + 1)]
            case '--root=*'
                set root (string replace -- --root= '' $words[$i])
        end
    end
    for f in $root/feeds/*.toml
        string replace -r '.*/(.*)\.toml$' '$1' -- $f
    end
end

complete -c podsmith -f

# podsmith COMMAND
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -s h -l help -d 'Print help and exit'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and exit'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a init -d 'Create a workspace: feeds/NAME.toml and media/'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a add -d 'Add episodes: write a sidecar per media file'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a build -d 'Write feeds/NAME.xml and its chapters, artwork, transcripts'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a import -d 'Turn another host\'s feed into a workspace'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a lint -d 'Check feeds against directory rules'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a publish -d 'Upload what changed, verify it, notify directories'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a serve -d 'Preview the workspace as it will be published'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a probe -d 'Show what podsmith reads from media files'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a master -d 'Make a publishable file from a master'
complete -c podsmith -n "not __fish_seen_subcommand_from $commands" -a tag -d "Write each episode's title, artwork, chapters and podcast tags into its media"

# podsmith init [DIR]
complete -c podsmith -n '__fish_seen_subcommand_from init' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l title -x -d 'The show\'s title'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l base-url -x -d 'Where the workspace will be published'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l name -x -d 'The feed\'s name'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l author -x -d 'The show\'s author and owner name'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l email -x -d 'The owner\'s email'
complete -c podsmith -n '__fish_seen_subcommand_from init' -l language -x -d 'Language code (default: en)'
complete -c podsmith -n '__fish_seen_subcommand_from init' -a '(__fish_complete_directories)'

# podsmith add MEDIA...
complete -c podsmith -n '__fish_seen_subcommand_from add' -F
complete -c podsmith -n '__fish_seen_subcommand_from add' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l feed -x -a '(__podsmith_feeds)' -d 'The feed whose episode numbers continue'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l notes -r -F -d 'Show notes in Markdown (- for stdin)'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l title -x -d 'Title'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l date -x -d 'Publication date, RFC 3339 with offset'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l season -x -d 'Season number'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l episode -x -d 'Episode number'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l type -x -a 'full trailer bonus' -d 'Episode type'
complete -c podsmith -n '__fish_seen_subcommand_from add' -l master -d 'The files are masters'
complete -c podsmith -n '__fish_seen_subcommand_from add' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace\'s root'

# podsmith build
complete -c podsmith -n '__fish_seen_subcommand_from build' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from build' -l feed -x -a '(__podsmith_feeds)' -d 'Build only this feed'
complete -c podsmith -n '__fish_seen_subcommand_from build' -s n -l dry-run -d 'Report what would change; write nothing'
complete -c podsmith -n '__fish_seen_subcommand_from build' -l no-cache -d 'Probe every media file again'
complete -c podsmith -n '__fish_seen_subcommand_from build' -l json -d 'Print the report as JSON'
complete -c podsmith -n '__fish_seen_subcommand_from build' -l lint -d 'Then lint each feed'
complete -c podsmith -n '__fish_seen_subcommand_from build' -l format -x -a 'text json github' -d 'With --lint: how findings are printed'
complete -c podsmith -n '__fish_seen_subcommand_from build' -s j -l jobs -x -d 'Media probed at once'
complete -c podsmith -n '__fish_seen_subcommand_from build' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace\'s root'

# podsmith import FEED|URL
complete -c podsmith -n '__fish_seen_subcommand_from import' -F
complete -c podsmith -n '__fish_seen_subcommand_from import' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from import' -l name -x -d 'The feed\'s name'
complete -c podsmith -n '__fish_seen_subcommand_from import' -l base-url -x -d 'Where the new workspace will be published'
complete -c podsmith -n '__fish_seen_subcommand_from import' -l force -d 'Import even when the feed is locked'
complete -c podsmith -n '__fish_seen_subcommand_from import' -l download -d 'Fetch every enclosure into media/'
complete -c podsmith -n '__fish_seen_subcommand_from import' -s j -l jobs -x -d 'Downloads at once'
complete -c podsmith -n '__fish_seen_subcommand_from import' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace\'s root'

# podsmith lint FEED|URL...
complete -c podsmith -n '__fish_seen_subcommand_from lint' -F
complete -c podsmith -n '__fish_seen_subcommand_from lint' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -l rules -x -a 'rss apple psp1 podcastindex spotify' -d 'Rule sets, separated by commas'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -l format -x -a 'text json github' -d 'Output format'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -l online -d 'Also fetch enclosures, artwork, chapters, transcripts'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -l strict -d 'Fail on warnings too'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -s j -l jobs -x -d 'Requests in flight at once with --online'
complete -c podsmith -n '__fish_seen_subcommand_from lint' -l list-rules -d 'List every rule'

# podsmith serve
complete -c podsmith -n '__fish_seen_subcommand_from serve' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from serve' -s p -l port -x -d 'Port to listen on; 0: any free one'
complete -c podsmith -n '__fish_seen_subcommand_from serve' -l host -x -a '127.0.0.1 ::1 0.0.0.0' -d 'Address to listen on'
complete -c podsmith -n '__fish_seen_subcommand_from serve' -l no-reload -d 'Serve pages byte for byte'
complete -c podsmith -n '__fish_seen_subcommand_from serve' -l log-requests -d 'Print a line per request'
complete -c podsmith -n '__fish_seen_subcommand_from serve' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace\'s root'

# podsmith publish
complete -c podsmith -n '__fish_seen_subcommand_from publish' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l feed -x -a '(__podsmith_feeds)' -d 'Publish only this feed'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -s n -l dry-run -d 'Print what would be uploaded; touch nothing'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l no-build -d 'Publish the feeds as they are built now'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l verify-remote -d 'Also check every file on the server'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l force -d 'Upload every file'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l accept-new-host-key -d 'SFTP: trust and record a new server key'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l limit-rate -x -d 'Bytes per second at most (500K, 2M)'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -s j -l parallel -x -d 'Uploads at once over WebDAV and S3'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -l json -d 'Print the report as JSON'
complete -c podsmith -n '__fish_seen_subcommand_from publish' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace\'s root'

# podsmith probe FILE...
complete -c podsmith -n '__fish_seen_subcommand_from probe' -F
complete -c podsmith -n '__fish_seen_subcommand_from probe' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from probe' -l json -d 'Print one JSON array'
complete -c podsmith -n '__fish_seen_subcommand_from probe' -s j -l jobs -x -d 'Files read at once'
complete -c podsmith -n '__fish_seen_subcommand_from probe' -l loudness -d 'Also decode and measure loudness'

# podsmith master IN
complete -c podsmith -n '__fish_seen_subcommand_from master' -F
complete -c podsmith -n '__fish_seen_subcommand_from master' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from master' -s o -l output -r -d 'Where to write'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l target -x -d 'Integrated loudness in LUFS'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l true-peak -x -d 'True-peak ceiling in dBTP'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l format -x -a 'mp3 m4a opus' -d 'Encoded format'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l bitrate -x -d 'Bitrate, like 128k'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l mono -d 'Mix down to one channel'
complete -c podsmith -n '__fish_seen_subcommand_from master' -l json -d 'Print the result as JSON'
complete -c podsmith -n '__fish_seen_subcommand_from master' -s n -l dry-run -d 'Measure and say what would be done'

# podsmith tag [SIDECAR...]
complete -c podsmith -n '__fish_seen_subcommand_from tag' -F
complete -c podsmith -n '__fish_seen_subcommand_from tag' -s h -l help -d 'Print help and exit'
complete -c podsmith -n '__fish_seen_subcommand_from tag' -s n -l dry-run -d 'Report what would change; write nothing'
complete -c podsmith -n '__fish_seen_subcommand_from tag' -l json -d 'Print the report as JSON'
complete -c podsmith -n '__fish_seen_subcommand_from tag' -s C -l root -x -a '(__fish_complete_directories)' -d 'The workspace root'
