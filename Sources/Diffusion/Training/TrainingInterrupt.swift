// TrainingInterrupt.swift — Ctrl-C during training saves a checkpoint instead of
// losing the run.
//
// The signal handler only sets a flag (that is all a handler may safely do); the
// training loop checks it after each step, writes a checkpoint and returns. A second
// Ctrl-C gets the default behaviour back and ends the process at once — the last
// checkpoint on disk is still whole, because checkpoints are written atomically.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the SIGINT handler; read by the training loop.
nonisolated(unsafe) private var interruptRequested: sig_atomic_t = 0

/// Catches Ctrl-C (SIGINT) while a training loop runs.
public enum TrainingInterrupt {
    /// Installs the handler: the first SIGINT sets `requested`, a second one kills.
    public static func install() {
        interruptRequested = 0
        // A process started by another program can inherit a signal mask that blocks
        // SIGINT (the signal would then wait forever): unblock it for this thread.
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        signal(SIGINT) { _ in
            interruptRequested = 1
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Restores the default SIGINT behaviour.
    public static func uninstall() { signal(SIGINT, SIG_DFL) }

    /// `true` once SIGINT arrived after `install()`.
    public static var requested: Bool { interruptRequested != 0 }
}
