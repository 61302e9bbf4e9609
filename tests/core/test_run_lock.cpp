// The run directory's lock (run_lock.h): one holder at a time, a refusal that names the
// holder, release when the lock is destroyed, and a lock the kernel frees when its holder is
// killed with SIGKILL.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <string>
#include <utility>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ddpm/run_lock.h"

namespace {

std::string host()
{
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    return name;
}

QByteArray contents(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// The holder's pid a refused lock names, or 0 when the lock was free (and is released again).
long long refusedBy(const std::string& dir)
{
    try {
        ddpm::RunLock lock(dir, "test", "hint");
    } catch (const ddpm::RunDirectoryInUse& e) {
        return e.holderPid();
    }
    return 0;
}

/// In a child of fork(): locks dir/.lock and writes a holder's details with system calls
/// only (nothing that may need a lock another thread held at the fork), says so with a byte
/// on ready, then waits to be killed.
[[noreturn]] void holdLockUntilKilled(const char* lockPath, int ready)
{
    const int fd = ::open(lockPath, O_RDWR | O_CREAT, 0644);
    if (fd < 0 || ::flock(fd, LOCK_EX) != 0)
        ::_exit(1);
    char text[64] = "pid ";
    char digits[24];
    int n = 0;
    for (long long pid = ::getpid(); pid > 0; pid /= 10)
        digits[n++] = static_cast<char>('0' + pid % 10);
    int at = 4;
    while (n > 0)
        text[at++] = digits[--n];
    const char rest[] = "\nprogram ddpm train\n";
    for (const char c : rest)
        if (c != '\0') text[at++] = c;
    if (::write(fd, text, static_cast<size_t>(at)) != at || ::write(ready, "x", 1) != 1)
        ::_exit(1);
    for (;;)
        ::pause();
}

} // namespace

class TestRunLock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void secondLockIsRefusedNamingTheHolder();
    void releaseRemovesTheFileAndFreesTheLock();
    void missingDirectoryIsCreated();
    void oddPathsAreRefused();
    void killedHolderLeavesNoStuckLock();
};

void TestRunLock::secondLockIsRefusedNamingTheHolder()
{
    QTemporaryDir dir;
    const std::string run = dir.filePath(QStringLiteral("run")).toStdString();
    const ddpm::RunLock first(run, "ddpm train", "unused");
    // Another open of the file conflicts even within this process (flock belongs to the open file).
    try {
        ddpm::RunLock second(run, "ddpm-studio", "stop it or choose another --out");
        QFAIL("a second lock on one run directory was granted");
    } catch (const ddpm::RunDirectoryInUse& e) {
        const std::string expected = "run directory " + run + " is in use by ddpm train (pid "
            + std::to_string(::getpid()) + " on " + host() + "); stop it or choose another --out";
        QCOMPARE(std::string(e.what()), expected);
        QCOMPARE(e.holderPid(), static_cast<long long>(::getpid()));
    }
    QVERIFY(contents(QString::fromStdString(ddpm::RunLock::lockPath(run))).startsWith("pid "));
}

void TestRunLock::releaseRemovesTheFileAndFreesTheLock()
{
    QTemporaryDir dir;
    const std::string run = dir.path().toStdString();
    const QString lockFile = QString::fromStdString(ddpm::RunLock::lockPath(run));
    {
        ddpm::RunLock lock(run, "ddpm train", "hint");
        QVERIFY(QFile::exists(lockFile));
        // A moved lock stays held, by its new owner only.
        ddpm::RunLock moved(std::move(lock));
        QCOMPARE(refusedBy(run), static_cast<long long>(::getpid()));
    }
    QVERIFY(!QFile::exists(lockFile)); // the folder is left as it was
    QCOMPARE(refusedBy(run), 0LL);
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList());
}

void TestRunLock::missingDirectoryIsCreated()
{
    QTemporaryDir dir;
    const QString run = dir.filePath(QStringLiteral("a/b/run"));
    const ddpm::RunLock lock(run.toStdString(), "ddpm train", "hint");
    QVERIFY(QFileInfo(run).isDir());
    QCOMPARE(QString::fromStdString(lock.directory()), run);
}

void TestRunLock::oddPathsAreRefused()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("file"));
    QVERIFY(QFile(file).open(QIODevice::WriteOnly));
    try {
        ddpm::RunLock lock(file.toStdString(), "ddpm train", "hint");
        QFAIL("a file was locked as a run directory");
    } catch (const ddpm::Error& e) {
        QVERIFY2(QString(e.what()).contains("not a directory"), e.what());
    }
    // A .lock planted as a symbolic link is not followed (its target is never truncated).
    const QString run = dir.filePath(QStringLiteral("run"));
    QVERIFY(QDir().mkpath(run));
    const QString victim = dir.filePath(QStringLiteral("victim.txt"));
    QFile v(victim);
    QVERIFY(v.open(QIODevice::WriteOnly) && v.write("keep me") == 7);
    v.close();
    QVERIFY(QFile::link(victim, run + "/.lock"));
    QVERIFY_THROWS_EXCEPTION(ddpm::Error, ddpm::RunLock(run.toStdString(), "ddpm train", "hint"));
    QCOMPARE(contents(victim), QByteArray("keep me"));
}

void TestRunLock::killedHolderLeavesNoStuckLock()
{
    QTemporaryDir dir;
    const std::string run = dir.path().toStdString();
    const std::string lockPath = ddpm::RunLock::lockPath(run);
    int ready[2];
    QCOMPARE(::pipe(ready), 0);
    const pid_t child = ::fork();
    QVERIFY(child >= 0);
    if (child == 0)
        holdLockUntilKilled(lockPath.c_str(), ready[1]);
    ::close(ready[1]);
    // Once the child holds the lock and has written its pid, a lock here is refused naming it.
    pollfd wait{ready[0], POLLIN, 0};
    const bool childReady = ::poll(&wait, 1, 20000) == 1;
    ::close(ready[0]);
    const long long holder = childReady ? refusedBy(run) : 0;
    ::kill(child, SIGKILL);
    QVERIFY(childReady);
    QCOMPARE(holder, static_cast<long long>(child));
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    // The killed holder's file is still there, but its lock went with it.
    QVERIFY(QFile::exists(QString::fromStdString(lockPath)));
    const ddpm::RunLock lock(run, "ddpm train", "hint");
    QVERIFY(contents(QString::fromStdString(lockPath)).startsWith("pid " + QByteArray::number(::getpid()) + "\n"));
}

QTEST_GUILESS_MAIN(TestRunLock)
#include "test_run_lock.moc"
