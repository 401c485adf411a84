#!/usr/bin/env bash
# Builds the libFuzzer targets (swiftc -sanitize=fuzzer,address) and runs each for a bounded time on its
# seed corpus. Usage: Tests/Fuzz/run-fuzzers.sh [seconds per target, default 20]
# A longer run: Tests/Fuzz/run-fuzzers.sh 600 (new inputs are kept in .build/fuzz/work/<target>/corpus).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
out=.build/fuzz
mkdir -p "$out"
export SWIFT_BACKTRACE=enable=no   # let libFuzzer, not Swift's handler, report and save a crashing input
flags=(-O -sanitize=fuzzer,address -parse-as-library -package-name firebell)

# IncidentKit as an instrumented module the other targets import.
swiftc "${flags[@]}" -emit-module -emit-module-path "$out/IncidentKit.swiftmodule" -module-name IncidentKit \
  -emit-object -wmo Sources/IncidentKit/*.swift -o "$out/IncidentKit.o" 2>/dev/null

build() {  # name, sources...
  local name="$1"; shift
  mkdir -p "$out/bin"
  swiftc "${flags[@]}" -I "$out" "$out/IncidentKit.o" "$@" -o "$out/bin/$name" 2>&1 | grep -v 'Cannot export local symbol' || true
}
build parser Tests/Fuzz/ParserFuzzTarget.swift
build log-reader Tests/Fuzz/LogReaderFuzzTarget.swift Sources/IncidentStore/EventCodec.swift Sources/IncidentStore/LogReader.swift \
  Sources/IncidentStore/StoreError.swift Sources/IncidentStore/FileIO.swift Sources/IncidentStore/AppendOnlyFile.swift \
  Sources/IncidentStore/GroupCommit.swift Sources/IncidentStore/SyncCounter.swift Sources/IncidentStore/CompactJSONEncoder.swift
build slack-payloads Tests/Fuzz/SlackPayloadFuzzTarget.swift Sources/Platforms/Platform/JSONValue.swift Sources/Platforms/Slack/SlackEvent.swift \
  Sources/Platforms/Slack/SlackSlashCommand.swift Sources/Platforms/Slack/SlackInteraction.swift Sources/Platforms/Slack/SlackBlocks.swift \
  Sources/Platforms/Slack/SlackBlock.swift Sources/Platforms/Slack/SlackSectionSplitter.swift Sources/Platforms/Slack/PlatformID+Slack.swift \
  Sources/Platforms/Slack/SocketModeFrame.swift Sources/Platforms/Slack/SlackReaction.swift Sources/Platforms/Slack/SlackMessageShortcut.swift
build chat-payloads Tests/Fuzz/ChatPayloadFuzzTarget.swift Sources/Platforms/Discord/DiscordInteraction.swift Sources/Platforms/Discord/DiscordMessageCommand.swift \
  Sources/Platforms/Discord/DiscordCommandCatalog.swift Sources/Platforms/Discord/DiscordContent.swift Sources/Platforms/Platform/JSONValue.swift Sources/Platforms/Mattermost/MattermostSlashCommand.swift \
  Sources/Platforms/Mattermost/MattermostWebSocketEvent.swift Sources/Platforms/Mattermost/MattermostReactionEvent.swift \
  Sources/Platforms/Matrix/MatrixSyncBatch.swift Sources/Platforms/Discord/PlatformID+Discord.swift \
  Sources/Platforms/Mattermost/PlatformID+Mattermost.swift Sources/Platforms/Matrix/PlatformID+Matrix.swift
build alert-payloads Tests/Fuzz/AlertPayloadFuzzTarget.swift Sources/Platforms/Alerts/AlertmanagerPayload.swift \
  Sources/Platforms/Alerts/GenericAlertPayload.swift Sources/Platforms/Alerts/AlertRouting.swift

failed=0
for target in parser log-reader slack-payloads alert-payloads chat-payloads; do
  work="$out/work/$target"
  mkdir -p "$work/corpus"
  cp -n Tests/Fuzz/corpus/"$target"/* "$work/corpus/" 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s"
  if ! (cd "$work" && timeout $((seconds + 60)) "../../bin/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 corpus > run.log 2>&1); then
    echo "fuzz: $target FAILED; see $work/run.log and the crash-* file there"; tail -30 "$work/run.log"; failed=1
  else
    grep -E '^Done [0-9]+ runs' "$work/run.log" | sed "s/^/fuzz: $target: /"
  fi
done
exit $failed
