#pragma once
// Whether a process has ended, and waiting for it: for cleanup guards, which outlive the
// snapsim that started them and act once it is gone.

#include <sys/types.h>

#include <cstdint>

namespace snapsim::simulator {

// True while `pid` is a process that has not ended (a zombie has).
bool ProcessAlive(pid_t pid);

// For a guard: ignores the terminal's signals (Ctrl-C reaches snapsim, and snapsim's end
// is the guard's cue: it must live on), then blocks until `fd` reaches end of file (every
// write end, held by snapsim alone, closed).
void AwaitEndOfFile(int fd);
// AwaitEndOfFile, then waits until `pid` (the write end's holder) is no live process, at
// most `timeout_ms` more.
void AwaitEndOf(int fd, pid_t pid, int64_t timeout_ms);

}  // namespace snapsim::simulator
