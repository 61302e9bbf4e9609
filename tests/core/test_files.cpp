// Tests of core's file handling: reading only regular files under a size limit
// (regular_file.h), atomic writes that never replace a non-regular node and write through
// symbolic links (atomic_file.h), and the memory budget checks (memory_budget.h).
#include <QtTest>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdint>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "ddpm/atomic_file.h"
#include "ddpm/error.h"
#include "ddpm/memory_budget.h"
#include "ddpm/regular_file.h"
#include "error_of.h"

using ddpm::test::errorOf;

namespace {

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

bool makeFifo(const QString& path) { return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0; }

bool isFifo(const QString& path)
{
    struct stat st {};
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 && S_ISFIFO(st.st_mode);
}

bool makeLink(const QString& target, const QString& link)
{
    return ::symlink(QFile::encodeName(target).constData(), QFile::encodeName(link).constData()) == 0;
}

} // namespace

class TestFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsARegularFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("bytes.bin");
        ddpm::writeFileAtomic(path.toStdString(), std::string(100, 'a'));
        QCOMPARE(ddpm::readRegularFile(path.toStdString(), 100), std::string(100, 'a'));
        ddpm::RegularFile file(path.toStdString(), 1000, "data file");
        QCOMPARE(file.size(), std::int64_t(100));
        QVERIFY(file.fd() >= 0);
        QCOMPARE(file.readAll().size(), size_t(100));
        // Through a symbolic link as well.
        QVERIFY(makeLink(path, dir.filePath("link.bin")));
        QCOMPARE(ddpm::readRegularFile(dir.filePath("link.bin").toStdString(), 100).size(), size_t(100));
    }

    void refusesWhatIsNotARegularFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath("pipe");
        QVERIFY(makeFifo(fifo));
        QVERIFY(makeLink(fifo, dir.filePath("pipe-link")));
        QVERIFY(QDir(dir.path()).mkdir("sub"));
        const auto read = [](const QString& path) {
            return errorOf([&] { ddpm::readRegularFile(path.toStdString(), 1 << 20, "test file"); });
        };
        // A FIFO with no writer would block a plain open or read forever; it is refused at once.
        QCOMPARE(read(fifo), "test file '" + fifo + "' is a FIFO (named pipe), not a regular file; give a file");
        QVERIFY2(read(dir.filePath("pipe-link")).contains("FIFO"), qPrintable(read(dir.filePath("pipe-link"))));
        QCOMPARE(read(dir.filePath("sub")), "test file '" + dir.filePath("sub") + "' is a directory, not a file");
        QCOMPARE(read(dir.filePath("none")), "test file '" + dir.filePath("none") + "' does not exist");
        QVERIFY(read("").contains("empty"));
        QVERIFY(isFifo(fifo)); // untouched
    }

    void namesTheSizeLimit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("big.bin");
        ddpm::writeFileAtomic(path.toStdString(), std::string(2048, 'b'));
        const QString message = errorOf([&] { ddpm::readRegularFile(path.toStdString(), 1024, "test file"); });
        QCOMPARE(message, "test file '" + path + "' is larger than the limit of 1 KiB for a test file (it has 2048 bytes)");
        // The size is checked before reading: a sparse file far over the limit is refused at once.
        QFile sparse(dir.filePath("sparse.bin"));
        QVERIFY(sparse.open(QIODevice::WriteOnly));
        QVERIFY(sparse.resize(std::int64_t(600) << 20));
        sparse.close();
        QVERIFY(errorOf([&] { ddpm::readRegularFile(sparse.fileName().toStdString(), std::int64_t(512) << 20); })
                    .contains("limit of 512 MiB"));
    }

    void fileKindNames()
    {
        struct stat st {};
        QVERIFY(::stat("/dev/null", &st) == 0); // its type only; nothing is opened
        QCOMPARE(ddpm::fileKindName(st.st_mode), std::string("a character device"));
        QCOMPARE(ddpm::fileKindName(S_IFIFO | 0600), std::string("a FIFO (named pipe)"));
        QCOMPARE(ddpm::fileKindName(S_IFDIR | 0700), std::string("a directory"));
        QCOMPARE(ddpm::fileKindName(S_IFREG | 0600), std::string("a regular file"));
    }

    /// Renaming over a FIFO (or, as root, a device such as /dev/full) would replace the node
    /// with a file; the write is refused and the node stays what it was.
    void atomicWriteRefusesSpecialTargets()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString fifo = dir.filePath("out.fifo");
        QVERIFY(makeFifo(fifo));
        QCOMPARE(errorOf([&] { ddpm::writeFileAtomic(fifo.toStdString(), "data"); }),
                 "cannot write '" + fifo +
                     "': it is a FIFO (named pipe), not a regular file; give the name of a file to write");
        QVERIFY(isFifo(fifo));
        // Through a link to it as well: the link is kept, the FIFO is not replaced.
        const QString link = dir.filePath("out.link");
        QVERIFY(makeLink("out.fifo", link));
        QVERIFY2(errorOf([&] { ddpm::writeFileAtomic(link.toStdString(), "data"); }).contains("(a link to '"),
                 "names the link's target");
        QVERIFY(QFileInfo(link).isSymLink());
        QVERIFY(isFifo(fifo));
        // A directory too.
        QVERIFY(QDir(dir.path()).mkdir("sub"));
        QVERIFY(errorOf([&] { ddpm::writeFileAtomic(dir.filePath("sub").toStdString(), "x"); }).contains("a directory"));
        // No temporary file is left anywhere.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System),
                 (QStringList{"out.fifo", "out.link"}));
    }

    /// A link is written through, as editors do: the link stays a link, the file it points to
    /// (in another directory, by a relative path) gets the new bytes, replaced in its own
    /// directory; a dangling link gets its target created.
    void atomicWriteFollowsSymlinks()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QVERIFY(QDir(dir.path()).mkpath("data"));
        QVERIFY(QDir(dir.path()).mkpath("links"));
        const QString target = dir.filePath("data/real.csv");
        ddpm::writeFileAtomic(target.toStdString(), "old");
        const QString link = dir.filePath("links/out.csv");
        QVERIFY(makeLink("../data/real.csv", link));
        const QString chain = dir.filePath("links/chain.csv"); // a link to the link
        QVERIFY(makeLink("out.csv", chain));

        ddpm::writeFileAtomic(link.toStdString(), "new");
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(QFileInfo(link).symLinkTarget(), QFileInfo(target).canonicalFilePath());
        QCOMPARE(readAll(target), QByteArray("new"));
        ddpm::writeFileAtomic(chain.toStdString(), "newer");
        QVERIFY(QFileInfo(chain).isSymLink());
        QVERIFY(QFileInfo(link).isSymLink());
        QCOMPARE(readAll(target), QByteArray("newer"));

        const QString dangling = dir.filePath("links/dangling.csv");
        QVERIFY(makeLink("../data/created.csv", dangling));
        ddpm::writeFileAtomic(dangling.toStdString(), "created");
        QVERIFY(QFileInfo(dangling).isSymLink());
        QCOMPARE(readAll(dir.filePath("data/created.csv")), QByteArray("created"));

        // Nothing else in either directory: the temporary files were renamed or removed.
        QCOMPARE(QDir(dir.filePath("data")).entryList(QDir::Files | QDir::Hidden | QDir::System),
                 (QStringList{"created.csv", "real.csv"}));
        QCOMPARE(QDir(dir.filePath("links")).entryList(QDir::Files | QDir::Hidden | QDir::System),
                 (QStringList{"chain.csv", "dangling.csv", "out.csv"}));

        // A loop of links is refused.
        QVERIFY(makeLink("loop-b", dir.filePath("loop-a")));
        QVERIFY(makeLink("loop-a", dir.filePath("loop-b")));
        QVERIFY(errorOf([&] { ddpm::writeFileAtomic(dir.filePath("loop-a").toStdString(), "x"); })
                    .contains("too many levels of symbolic links"));
    }

    void formatBytes()
    {
        QCOMPARE(ddpm::formatBytes(0), std::string("0 bytes"));
        QCOMPARE(ddpm::formatBytes(1), std::string("1 byte"));
        QCOMPARE(ddpm::formatBytes(1023), std::string("1023 bytes"));
        QCOMPARE(ddpm::formatBytes(1536), std::string("1.50 KiB"));
        QCOMPARE(ddpm::formatBytes(1024), std::string("1 KiB")); // no ".00"
        QCOMPARE(ddpm::formatBytes(std::int64_t(512) << 20), std::string("512 MiB"));
        QCOMPARE(ddpm::formatBytes(std::int64_t(16) << 30), std::string("16 GiB"));
        QCOMPARE(ddpm::formatBytes(std::int64_t(25'100'000'000)), std::string("23.4 GiB"));
    }

    void memoryBudget()
    {
        const std::int64_t available = ddpm::availableMemoryBytes();
        QVERIFY2(available > 0, "Linux always reports the memory available");
        const std::int64_t physical = std::int64_t(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
        QVERIFY2(available <= physical, qPrintable(QString::number(available)));

        // Within the cap and the machine: no error.
        QCOMPARE(errorOf([] { ddpm::requireMemory(1 << 20, std::int64_t(1) << 30, "a run", "use less"); }), QString());
        // Over the cap: the message names the need, the cap and the hint.
        QCOMPARE(errorOf([] { ddpm::requireMemory(std::int64_t(3) << 30, std::int64_t(2) << 30, "a run", "use less"); }),
                 QStringLiteral("a run needs about 3 GiB of memory, more than the limit of 2 GiB; use less"));
        // Over what the machine has now, though under the cap.
        const QString message = errorOf([&] { ddpm::requireMemory(available * 2, available * 4, "a run", "use less"); });
        QVERIFY2(message.contains("of memory available now; use less"), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "test_files.moc"
