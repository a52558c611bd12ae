#!/usr/bin/env bash
# Runs the Eventline JMH benchmarks and writes the JMH JSON into benchmarks/results/<date>-<machine>.json,
# plus <same>.md with the summary tables (summarize.py) and the machine it ran on.
#
#   benchmarks/run.sh                       # everything at the default sizes (~14-16 minutes on 2 cores)
#   benchmarks/run.sh Replay -p size=100000 # any JMH regex and options, passed through
#
# Environment: EVENTLINE_TEST_PG_URL=jdbc:postgresql://… to use an existing PostgreSQL instead of the embedded one;
# JAVA_HOME to pick the JDK; RESULT=path.json to choose the output file.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  ./mvnw -B -q -pl benchmarks -am package -DskipTests
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cpu=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
machine=$(printf '%s-%scpu' "$cpu" "$(nproc)" | tr -cs 'A-Za-z0-9' '-' | tr 'A-Z' 'a-z' | sed 's/-*$//')
result=${RESULT:-benchmarks/results/$(date -u +%F)-${machine}.json}
mkdir -p "$(dirname "$result")"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log=$(mktemp)
"$java_bin" -jar "$jar" -rf json -rff "$result" "$@" 2>&1 | tee "$log"
total=$(sed -n 's/.*Run complete. Total time: *//p' "$log")
rm -f "$log"
{
  echo "# Eventline benchmarks: $(date -u +'%F %H:%M UTC')"
  echo
  echo "- command: \`benchmarks/run.sh $*\` (java -jar $jar -rf json -rff $result $*)"
  echo "- CPU: $cpu, $(nproc) cores ($(lscpu | sed -n 's/^Thread(s) per core:[[:space:]]*/threads per core: /p'))"
  echo "- memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
  echo "- JDK: $("$java_bin" -version 2>&1 | head -2 | tr '\n' ' ')"
  "$java_bin" -cp "$jar" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn dev.eventline.benchmarks.Environment
  echo "- JMH total time: ${total:-?}"
  echo "- load average (1, 5, 15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  python3 benchmarks/summarize.py "$result"
} > "${result%.json}.md"
echo "results: $result and ${result%.json}.md"
