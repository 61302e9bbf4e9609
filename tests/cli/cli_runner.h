// Runs the built `ddpm` executable (DDPM_CLI_PATH) for CLI tests, collects what it did, and
// checks the parts of the CLI contract every subcommand shares (bad input, --help).
#pragma once

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ddpm::test {

/// How long a test waits for a CLI run that computes (a bound over T = 1000 steps, a sampling
/// chain, a few training steps), in ms: generous for a busy machine, not a timing assertion.
constexpr int kLongRunMs = 120000;

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

/// Runs DDPM_CLI_PATH with args and its stderr on a fresh pseudo-terminal, as when a person
/// runs it in a shell; err holds what the terminal received. finished is false (and err says
/// why) when no pseudo-terminal can be had.
inline CliResult runCliOnTerminal(const QStringList& args, int timeoutMs = 60000)
{
    CliResult result;
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
        result.err = QStringLiteral("no pseudo-terminal");
        if (master >= 0)
            ::close(master);
        return result;
    }
    const QByteArray slaveName(::ptsname(master));
    QProcess process;
    // In the child only: stderr becomes the terminal.
    process.setChildProcessModifier([slaveName] {
        const int slave = ::open(slaveName.constData(), O_RDWR | O_NOCTTY);
        if (slave >= 0) {
            ::dup2(slave, STDERR_FILENO);
            ::close(slave);
        }
    });
    ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
    QByteArray terminal;
    const auto drain = [&] {
        char buffer[4096];
        for (ssize_t n; (n = ::read(master, buffer, sizeof buffer)) > 0;)
            terminal.append(buffer, static_cast<int>(n));
    };
    detail::startCli(process, args);
    // Read the terminal while the process runs, so its writes never block on a full buffer.
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning && clock.elapsed() < timeoutMs) {
        process.waitForFinished(50);
        drain();
    }
    result.finished = process.state() == QProcess::NotRunning;
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    drain();
    ::close(master);
    if (result.finished && process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(terminal);
    return result;
}

/// Makes a FIFO (named pipe) at path; false when it cannot.
inline bool makeFifo(const QString& path) { return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0; }

/// Whether path (not followed if a link) is a FIFO.
inline bool isFifo(const QString& path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISFIFO(st.st_mode);
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

/// Invocations collected under names, started together with runCliBatch; test functions
/// then look up their own result by name (a missing name gives a default, failing result).
class CliRuns {
public:
    void add(const QString& key, const QStringList& args)
    {
        m_keys << key;
        m_args << args;
    }

    /// Runs everything added so far and returns the results by name.
    QMap<QString, CliResult> runAll(int parallel = 4, int timeoutMs = 60000) const
    {
        const std::vector<CliResult> results = runCliBatch(m_args, parallel, timeoutMs);
        QMap<QString, CliResult> byKey;
        for (int i = 0; i < m_keys.size(); ++i)
            byKey.insert(m_keys[i], results[static_cast<size_t>(i)]);
        return byKey;
    }

private:
    QStringList m_keys;
    QList<QStringList> m_args;
};

/// One bad invocation of a subcommand; the test gives each case a directory of its own.
struct BadCase {
    const char* name; ///< row name, also names the case's directory (see badCaseDir)
    QStringList args; ///< after the subcommand; placeholders such as @DIR@ are filled in by the test
    QString expected; ///< text the one stderr line must contain
};

/// The bad case `name` of a command's one seed option (--seed, a whole number in
/// 0..2^64 - 1): `args` (good ones) with "--seed value" added, refused with the message every
/// command gives: "V is outside 0..2^64 - 1" for a whole number, "'V' is not a whole number"
/// for anything else.
inline BadCase badSeedCase(const char* name, const QStringList& args, const QString& value)
{
    const QString range = QStringLiteral("0..18446744073709551615");
    const bool whole = QRegularExpression(QStringLiteral("^-?[0-9]+$")).match(value).hasMatch();
    return {name, args + QStringList{"--seed", value},
            whole ? "--seed: " + value + " is outside " + range
                  : "--seed: '" + value + "' is not a whole number; use an integer in " + range};
}

/// The directory of the bad case `name` under root: "bad-<name, spaces as _>".
inline QString badCaseDir(const QTemporaryDir& root, const QString& name)
{
    return root.filePath("bad-" + QString(name).replace(' ', '_'));
}

/// args with every placeholder (a key of `values`) replaced by its value.
inline QStringList fillIn(QStringList args, const QMap<QString, QString>& values)
{
    for (QString& a : args)
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            a.replace(it.key(), it.value());
    return args;
}

/// Creates (or replaces) the file at path holding bytes; false when it cannot.
inline bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

/// The rows of a badInput_data(): columns "name" and "expected", one row a case.
inline void addBadCaseRows(const std::vector<BadCase>& cases)
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    for (const BadCase& c : cases)
        QTest::newRow(c.name) << QString(c.name) << c.expected;
}

/// The contract for bad input to `ddpm <command>`: exit code 2, nothing on stdout, exactly
/// one line on stderr that starts with "ddpm <command>: " and contains `expected`; the case's
/// directory `dir` holds exactly the files named in `filesAfter` (no output, no temporary
/// left), each still with the given bytes; and `absentOut`, when given, does not exist.
inline void verifyBadInput(const CliResult& r, const QString& command, const QString& expected, const QString& dir,
                           const QMap<QString, QByteArray>& filesAfter, const QString& absentOut = {})
{
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    QVERIFY2(r.errLines().size() == 1, qPrintable(r.err));
    QVERIFY2(r.err.trimmed() == r.errLines().front().trimmed(), qPrintable(r.err)); // no blank lines around it
    QVERIFY2(r.err.startsWith("ddpm " + command + ": "), qPrintable(r.err));
    QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    QCOMPARE(QDir(dir).entryList(QDir::Files | QDir::Hidden), QStringList(filesAfter.keys()));
    for (auto it = filesAfter.cbegin(); it != filesAfter.cend(); ++it) {
        QFile file(QDir(dir).filePath(it.key()));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        QCOMPARE(file.readAll(), it.value());
    }
    if (!absentOut.isEmpty())
        QVERIFY2(!QFile::exists(absentOut), qPrintable(absentOut));
}

/// The contract for `ddpm <command> --help`: exit code 0, help on stdout naming the command,
/// each of `options`, and an "Example" line with the command in use; nothing on stderr.
inline void verifyHelp(const CliResult& r, const QString& command, const QStringList& options)
{
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QVERIFY2(r.out.contains("Usage: ddpm " + command), qPrintable(r.out));
    QVERIFY2(r.out.contains("Example"), qPrintable(r.out));
    const QStringList lines = r.out.split('\n');
    const bool exampleLine = std::any_of(lines.cbegin(), lines.cend(),
                                         [](const QString& line) { return line.trimmed().startsWith("Example"); });
    QVERIFY2(exampleLine, qPrintable(r.out));
    QVERIFY2(r.out.contains("ddpm " + command + " "), qPrintable(r.out));
    for (const QString& option : options)
        QVERIFY2(r.out.contains(option), qPrintable(option));
}

} // namespace ddpm::test
