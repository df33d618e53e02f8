# Sourced by bench/*/time_backends.sh: wall-clock timing of `snapsim run` and its verdict.
# (Benchmarks time; nothing in the model or the simulator reads the clock.)

now() { echo "${EPOCHREALTIME/./}"; }   # microseconds
seconds() { printf '%d.%03d' $(( $1 / 1000000 )) $(( $1 % 1000000 / 1000 )); }

# timed_run SNAPSIM ARGS...: runs `SNAPSIM run ARGS...` and sets `out` (what it printed),
# `took` (microseconds) and `verdict`: pass, FAIL (a divergence, exit 1), skip, or ERR (bad
# input or a backend failure). A divergence is reported, never fatal.
timed_run() {
  local snapsim=$1 start status
  shift
  start=$(now)
  set +e
  out=$("$snapsim" run "$@" 2>&1)
  status=$?
  set -e
  took=$(( $(now) - start ))
  verdict=pass
  if grep -q '^skip: ' <<<"$out"; then verdict=skip
  elif [ $status -eq 1 ]; then verdict=FAIL
  elif [ $status -ne 0 ]; then verdict=ERR
  fi
}

# known_case FILE BACKEND: true when conformance/known_divergences.txt lists the case (a
# FAIL there is a recorded finding; whether its text still matches is ctest's to check).
known_case() {
  grep -q "^$1@$2 " conformance/known_divergences.txt 2>/dev/null
}
