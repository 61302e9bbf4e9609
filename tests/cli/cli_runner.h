// Runs the built `ddpm` executable (DDPM_CLI_PATH) for CLI tests and collects what it did.
#pragma once

#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <memory>
#include <vector>

namespace ddpm::test {

/// What one run of the CLI produced.
struct CliResult {
    int exitCode = -1;     ///< -1 when the process crashed, timed out or did not start
    QString out;           ///< standard output
    QString err;           ///< standard error
    bool finished = false; ///< false on timeout or failure to start

    /// Lines of stderr without the trailing empty one.
    QStringList errLines() const { return err.split('\n', Qt::SkipEmptyParts); }
    /// For failure messages: "exit 2, stderr: ..."
    QString describe() const
    {
        return QStringLiteral("exit %1%2, stderr: %3").arg(exitCode).arg(finished ? "" : " (not finished)").arg(err);
    }
};

namespace detail {

inline void startCli(QProcess& process, const QStringList& args)
{
    process.start(QStringLiteral(DDPM_CLI_PATH), args);
    process.closeWriteChannel();
}

inline CliResult finishCli(QProcess& process, int timeoutMs)
{
    CliResult result;
    if (!process.waitForStarted(timeoutMs)) {
        result.err = QStringLiteral("could not start %1: %2").arg(DDPM_CLI_PATH, process.errorString());
        return result;
    }
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    if (result.finished && process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    return result;
}

} // namespace detail

/// Runs DDPM_CLI_PATH with args (no shell), waiting at most timeoutMs.
/// The environment (OMP_NUM_THREADS from CTest) is inherited.
inline CliResult runCli(const QStringList& args, int timeoutMs = 60000)
{
    QProcess process;
    detail::startCli(process, args);
    return detail::finishCli(process, timeoutMs);
}

/// Runs several independent invocations at once (at most `parallel` at a time) and returns
/// their results in the same order. Each start of `ddpm` spends most of its time loading
/// LibTorch, so batching keeps the CLI test executables fast.
inline std::vector<CliResult> runCliBatch(const QList<QStringList>& argsList, int parallel = 4,
                                          int timeoutMs = 60000)
{
    std::vector<CliResult> results(static_cast<size_t>(argsList.size()));
    const int step = std::max(1, parallel);
    for (int first = 0; first < argsList.size(); first += step) {
        const int last = std::min<int>(first + step, argsList.size());
        std::vector<std::unique_ptr<QProcess>> running;
        for (int i = first; i < last; ++i) {
            running.push_back(std::make_unique<QProcess>());
            detail::startCli(*running.back(), argsList[i]);
        }
        for (int i = first; i < last; ++i)
            results[static_cast<size_t>(i)] = detail::finishCli(*running[static_cast<size_t>(i - first)], timeoutMs);
    }
    return results;
}

} // namespace ddpm::test
