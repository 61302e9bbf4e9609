// Turns the signals that ask a program to end (SIGTERM: a logout, `kill`; SIGINT: Ctrl+C in
// the terminal; SIGHUP: the terminal closed) into a normal close of the window, so settings are
// saved and a run stops at a checkpoint as with the close button, instead of an abrupt exit.
// A signal handler may do almost nothing safely: it writes the signal's number to a pipe, and a
// QSocketNotifier reads it in the event loop and emits received(). The pipe's write end is the
// one piece of process-wide state the handler needs; one QuitSignals may exist at a time.
#pragma once

#include <QObject>

class QSocketNotifier;

namespace ddpm::ui {

class QuitSignals : public QObject {
    Q_OBJECT
public:
    /// Installs the handlers (SA_RESTART); a second instance while one exists installs nothing.
    explicit QuitSignals(QObject* parent = nullptr);
    /// Puts the previous handlers back and closes the pipe.
    ~QuitSignals() override;

    /// Whether this instance installed the handlers.
    bool active() const { return m_notifier != nullptr; }

Q_SIGNALS:
    /// One of the signals arrived (its number), in the event loop's thread.
    void received(int signal);

private:
    void readPipe();

    QSocketNotifier* m_notifier = nullptr;
    int m_readFd = -1;
};

} // namespace ddpm::ui
