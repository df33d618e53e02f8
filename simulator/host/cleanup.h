#pragma once
// Cleanup: a process-wide registry of the child processes and temporary folders the live
// backends create (QEMU, libvirt's embedded driver), so that nothing outlives snapsim.
// A registered pid is killed (SIGKILL) and a registered folder removed, with everything in
// it, when its owner says so (End()), at normal exit, and on SIGINT, SIGTERM or SIGHUP;
// the signal is then re-raised with its default action, so the exit status still tells
// that snapsim was interrupted.
//
// The signal path runs inside a signal handler: the registry is a fixed table of slots
// claimed with atomics, and removal uses only open/getdents64/unlinkat/rmdir, all
// async-signal-safe. The normal path takes the same slots.

#include <sys/types.h>

#include <string>

namespace snapsim::simulator::cleanup {

// Installs the exit and signal handlers once (later calls do nothing). Called by every
// Register*; a program may call it early too.
void Install();

// Registers a child pid: killed on exit or signal until Forget(pid). Returns false when
// the table is full (the caller should then refuse to start more children).
bool RegisterPid(pid_t pid);
void ForgetPid(pid_t pid);

// Registers an absolute folder path (shorter than 512 bytes): removed on exit or signal
// until ForgetFolder(path).
bool RegisterFolder(const std::string& path);
void ForgetFolder(const std::string& path);

// Kills every registered pid and removes every registered folder now (what the handlers
// do). Exposed for tests.
void RunAll();

// For a program that reports what it has when interrupted (`snapsim run`): the first
// SIGINT/SIGTERM/SIGHUP then only kills the registered children (so that work in progress
// ends soon) and is remembered; the program finishes, writes its reports and calls
// Reraise. A second signal acts as without this call.
void ProgramHandlesFirstSignal();
// The first signal's number since ProgramHandlesFirstSignal, or 0.
int Interrupted();
// RunAll, then the signal again with its previous action (normally: terminate, so that
// the exit status says 128 + the signal).
void Reraise(int signal_number);

// Removes `path` and everything under it with async-signal-safe calls only; symlinks are
// removed, never followed. Returns false when something could not be removed.
bool RemoveTree(const char* path);

}  // namespace snapsim::simulator::cleanup
