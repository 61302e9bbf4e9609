// Tests of the desktop integration and the Debian package: the desktop file and the AppStream
// metainfo validate, one reverse-DNS id names everything, the icons have their sizes, and the
// .deb that CPack builds from this build tree (into a temporary directory) has its name,
// control fields and files; unpacked into a scratch root, its `ddpm --version` runs.
// A test that needs a Debian tool that is not installed is skipped, naming the package.
#include <QtTest>

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QStringList>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <memory>

namespace {

const QString kId = QStringLiteral(DDPM_APP_ID);
const QString kVersion = QStringLiteral(DDPM_VERSION);
const QString kSource = QStringLiteral(DDPM_SOURCE_DIR);
const QList<int> kIconSizes{16, 24, 32, 48, 64, 128, 256};

/// What one run of an external tool did.
struct ToolResult {
    int exitCode = -1; ///< -1 when it did not start, crashed or timed out
    QString out;
    QString err;

    QString describe() const { return QStringLiteral("exit %1\nstdout: %2\nstderr: %3").arg(exitCode).arg(out, err); }
};

/// Runs program with args (no shell), waiting at most timeoutMs.
ToolResult runTool(const QString& program, const QStringList& args, int timeoutMs = 60000)
{
    ToolResult r;
    QProcess process;
    process.start(program, args);
    process.closeWriteChannel();
    if (!process.waitForStarted(timeoutMs)) {
        r.err = QStringLiteral("could not start %1: %2").arg(program, process.errorString());
        return r;
    }
    const bool finished = process.waitForFinished(timeoutMs);
    if (!finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    r.out = QString::fromUtf8(process.readAllStandardOutput());
    r.err = QString::fromUtf8(process.readAllStandardError());
    if (finished && process.exitStatus() == QProcess::NormalExit)
        r.exitCode = process.exitCode();
    else if (!finished)
        r.err += QStringLiteral("\n(timed out after %1 ms)").arg(timeoutMs);
    return r;
}

/// The full path of a tool on PATH, or empty.
QString tool(const QString& name) { return QStandardPaths::findExecutable(name); }

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/// Width and height from a PNG's IHDR chunk; {0, 0} when the bytes are no PNG.
QSize pngSize(const QByteArray& png)
{
    static const QByteArray signature("\x89PNG\r\n\x1a\n", 8);
    if (png.size() < 24 || !png.startsWith(signature) || png.mid(12, 4) != "IHDR")
        return {};
    const auto be32 = [&](int at) {
        const auto* p = reinterpret_cast<const unsigned char*>(png.constData() + at);
        return int((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]));
    };
    return {be32(16), be32(20)};
}

/// The value of `key=` in the [Desktop Entry] group of a desktop file.
QString desktopValue(const QString& text, const QString& key)
{
    const QRegularExpression line(QStringLiteral("^%1=(.*)$").arg(QRegularExpression::escape(key)),
                                  QRegularExpression::MultilineOption);
    return line.match(text).captured(1).trimmed();
}

/// What the metainfo says about the points the tests check.
struct Metainfo {
    QString id, launchable, projectLicense, metadataLicense, firstRelease;
    QStringList binaries;
    int screenshotImages = 0;
    QString error; ///< the XML parser's, if any
};

Metainfo readMetainfo(const QByteArray& xml)
{
    Metainfo m;
    QXmlStreamReader reader(xml);
    QStringList path;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            path << reader.name().toString();
            const QString where = path.join('/');
            if (where == QStringLiteral("component/releases/release") && m.firstRelease.isEmpty())
                m.firstRelease = reader.attributes().value(QStringLiteral("version")).toString();
            else if (where == QStringLiteral("component/launchable"))
                m.launchable = reader.readElementText();
            else if (where == QStringLiteral("component/id"))
                m.id = reader.readElementText();
            else if (where == QStringLiteral("component/project_license"))
                m.projectLicense = reader.readElementText();
            else if (where == QStringLiteral("component/metadata_license"))
                m.metadataLicense = reader.readElementText();
            else if (where == QStringLiteral("component/provides/binary"))
                m.binaries << reader.readElementText();
            else if (where == QStringLiteral("component/screenshots/screenshot/image") &&
                     !reader.readElementText().isEmpty())
                ++m.screenshotImages;
            if (reader.isEndElement()) // readElementText() consumed the end
                path.removeLast();
        } else if (token == QXmlStreamReader::EndElement) {
            path.removeLast();
        }
    }
    if (reader.hasError())
        m.error = reader.errorString();
    return m;
}

/// The "W:" and "E:" lines of appstreamcli's report (pedantic "P:" and info "I:" are allowed:
/// the id's capital letters are the project's choice).
QStringList appstreamProblems(const QString& report)
{
    QStringList problems;
    for (const QString& line : report.split('\n')) {
        const QString t = line.trimmed();
        if (t.startsWith(QStringLiteral("W:")) || t.startsWith(QStringLiteral("E:")))
            problems << t;
    }
    return problems;
}

/// Every file the package must install, relative to the root, and nothing else.
QStringList expectedPackageFiles()
{
    QStringList files{
        QStringLiteral("usr/bin/ddpm"),
        QStringLiteral("usr/bin/ddpm-studio"),
        QStringLiteral("usr/share/applications/%1.desktop").arg(kId),
        QStringLiteral("usr/share/metainfo/%1.metainfo.xml").arg(kId),
        QStringLiteral("usr/share/icons/hicolor/scalable/apps/%1.svg").arg(kId),
        QStringLiteral("usr/share/man/man1/ddpm.1.gz"),
        QStringLiteral("usr/share/man/man1/ddpm-studio.1.gz"),
        QStringLiteral("usr/share/doc/ddpm-studio/copyright"),
        QStringLiteral("usr/share/doc/ddpm-studio/changelog.gz"),
        QStringLiteral("usr/share/ddpm-studio/images/chelsea.png"),
        QStringLiteral("usr/share/ddpm-studio/images/README.md"),
        QStringLiteral("usr/share/ddpm-studio/images/CC0-1.0.txt"),
    };
    for (int n : kIconSizes)
        files << QStringLiteral("usr/share/icons/hicolor/%1x%1/apps/%2.png").arg(n).arg(kId);
    files.sort();
    return files;
}

} // namespace

/// In a test function: skips when the package could not be built for a missing tool, fails
/// when it could not be built otherwise.
#define REQUIRE_PACKAGE(p)                                                                                            \
    do {                                                                                                              \
        if (!(p).skip.isEmpty())                                                                                      \
            QSKIP(qPrintable((p).skip));                                                                              \
        QVERIFY2((p).error.isEmpty(), qPrintable((p).error));                                                         \
    } while (false)

class TestPackaging : public QObject {
    Q_OBJECT

private:
    /// The package built once for the tests that look into it.
    struct Package {
        QString error;      ///< why it could not be built or unpacked; empty when it was
        QString skip;       ///< a tool that is missing; the tests skip
        QString debPath;
        QString root;       ///< where it is unpacked
        QMap<QString, QString> control;
        qint64 buildMs = 0;
    };
    QTemporaryDir m_dir;
    std::unique_ptr<Package> m_package;

    /// Builds the .deb with cpack into the temporary directory and unpacks it (once).
    const Package& package()
    {
        if (m_package)
            return *m_package;
        m_package = std::make_unique<Package>();
        Package& p = *m_package;
        // CPack's DEB generator runs dpkg-shlibdeps on the files that `file` calls ELF.
        for (const auto& [name, debian] :
             {std::pair{"dpkg-deb", "dpkg"}, std::pair{"dpkg-shlibdeps", "dpkg-dev, which packaging/setup-deps.sh installs"},
              std::pair{"file", "file, which packaging/setup-deps.sh installs"}}) {
            if (tool(QString::fromLatin1(name)).isEmpty()) {
                p.skip = QStringLiteral("%1 is not installed (Debian package %2)")
                             .arg(QString::fromLatin1(name), QString::fromLatin1(debian));
                return p;
            }
        }
        QElapsedTimer clock;
        clock.start();
        const QString out = m_dir.filePath(QStringLiteral("cpack"));
        const ToolResult cpack =
            runTool(QStringLiteral(DDPM_CPACK_COMMAND),
                    {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("--config"),
                     QStringLiteral(DDPM_BUILD_DIR "/CPackConfig.cmake"), QStringLiteral("-B"), out},
                    300000);
        p.buildMs = clock.elapsed();
        if (cpack.exitCode != 0) {
            p.error = QStringLiteral("cpack failed: ") + cpack.describe();
            return p;
        }
        const QStringList debs = QDir(out).entryList({QStringLiteral("*.deb")}, QDir::Files);
        if (debs.size() != 1) {
            p.error = QStringLiteral("cpack made %1 .deb files: %2").arg(debs.size()).arg(debs.join(' '));
            return p;
        }
        p.debPath = QDir(out).filePath(debs.front());

        const ToolResult control = runTool(tool(QStringLiteral("dpkg-deb")), {QStringLiteral("-f"), p.debPath});
        if (control.exitCode != 0) {
            p.error = QStringLiteral("dpkg-deb -f failed: ") + control.describe();
            return p;
        }
        QString key;
        for (const QString& line : control.out.split('\n')) {
            if (line.startsWith(' ') && !key.isEmpty()) { // a continued field
                p.control[key] += '\n' + line;
            } else if (const int colon = line.indexOf(':'); colon > 0) {
                key = line.left(colon);
                p.control[key] = line.mid(colon + 1).trimmed();
            }
        }

        p.root = m_dir.filePath(QStringLiteral("root"));
        const ToolResult unpack =
            runTool(tool(QStringLiteral("dpkg-deb")), {QStringLiteral("-x"), p.debPath, p.root});
        if (unpack.exitCode != 0)
            p.error = QStringLiteral("dpkg-deb -x failed: ") + unpack.describe();
        qInfo("cpack built %s in %lld ms", qPrintable(debs.front()), p.buildMs);
        return p;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void desktopFileValidates()
    {
        const QString validator = tool(QStringLiteral("desktop-file-validate"));
        if (validator.isEmpty())
            QSKIP("desktop-file-validate is not installed (Debian package desktop-file-utils; "
                  "packaging/setup-deps.sh installs it)");
        const ToolResult r = runTool(validator, {kSource + QStringLiteral("/packaging/%1.desktop").arg(kId)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        // Warnings and hints too: the file is clean.
        QVERIFY2(r.out.trimmed().isEmpty() && r.err.trimmed().isEmpty(), qPrintable(r.describe()));
    }

    void metainfoValidates()
    {
        const QString appstream = tool(QStringLiteral("appstreamcli"));
        if (appstream.isEmpty())
            QSKIP("appstreamcli is not installed (Debian package appstream; packaging/setup-deps.sh installs it)");
        const ToolResult r = runTool(appstream, {QStringLiteral("validate"), QStringLiteral("--no-net"),
                                                 QStringLiteral("--pedantic"),
                                                 kSource + QStringLiteral("/packaging/%1.metainfo.xml").arg(kId)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        const QStringList problems = appstreamProblems(r.out + r.err);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
    }

    void oneIdThroughout()
    {
        const QString desktop = QString::fromUtf8(readAll(kSource + QStringLiteral("/packaging/%1.desktop").arg(kId)));
        QVERIFY2(!desktop.isEmpty(), qPrintable(kId + ".desktop"));
        QCOMPARE(desktopValue(desktop, QStringLiteral("Icon")), kId);
        QCOMPARE(desktopValue(desktop, QStringLiteral("Exec")), QStringLiteral("ddpm-studio"));
        // On X11 the window's WM_CLASS is the application name app/gui/main.cpp sets.
        QCOMPARE(desktopValue(desktop, QStringLiteral("StartupWMClass")), QStringLiteral("ddpm-studio"));

        const Metainfo m = readMetainfo(readAll(kSource + QStringLiteral("/packaging/%1.metainfo.xml").arg(kId)));
        QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
        QCOMPARE(m.id, kId);
        QCOMPARE(m.launchable, kId + QStringLiteral(".desktop"));

        // The icon the app shows from its resources is the one installed for the theme.
        const QString qrc = QString::fromUtf8(readAll(kSource + QStringLiteral("/resources/resources.qrc")));
        QVERIFY2(qrc.contains(QStringLiteral("<file>icons/%1.svg</file>").arg(kId)), qPrintable(qrc));
        QVERIFY(QFile::exists(kSource + QStringLiteral("/resources/icons/%1.svg").arg(kId)));
    }

    void releaseNotesNameTheVersion()
    {
        const Metainfo m = readMetainfo(readAll(kSource + QStringLiteral("/packaging/%1.metainfo.xml").arg(kId)));
        QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
        QVERIFY2(m.firstRelease == kVersion,
                 qPrintable(QStringLiteral("the newest <release> is '%1', the project is %2: add a release to the "
                                           "metainfo")
                                .arg(m.firstRelease, kVersion)));
        const QByteArray changelog = readAll(kSource + QStringLiteral("/packaging/changelog"));
        QVERIFY2(changelog.startsWith(QStringLiteral("ddpm-studio (%1) ").arg(kVersion).toUtf8()),
                 qPrintable(QStringLiteral("packaging/changelog's newest entry is not %1: add one").arg(kVersion) +
                            '\n' + QString::fromUtf8(changelog.left(80))));
    }

    void metainfoFacts()
    {
        const Metainfo m = readMetainfo(readAll(kSource + QStringLiteral("/packaging/%1.metainfo.xml").arg(kId)));
        QVERIFY2(m.error.isEmpty(), qPrintable(m.error));
        QCOMPARE(m.projectLicense, QStringLiteral("GPL-3.0-or-later"));
        QCOMPARE(m.metadataLicense, QStringLiteral("CC0-1.0"));
        QCOMPARE(QSet<QString>(m.binaries.cbegin(), m.binaries.cend()),
                 (QSet<QString>{QStringLiteral("ddpm"), QStringLiteral("ddpm-studio")}));
        QVERIFY(m.screenshotImages >= 1);
    }

    void iconSizes_data()
    {
        QTest::addColumn<int>("size");
        for (int n : kIconSizes)
            QTest::newRow(qPrintable(QStringLiteral("%1x%1").arg(n))) << n;
    }

    void iconSizes()
    {
        QFETCH(int, size);
        const QString path = kSource + QStringLiteral("/packaging/icons/%1x%1/%2.png").arg(size).arg(kId);
        QCOMPARE(pngSize(readAll(path)), QSize(size, size));
    }

    void packageNameAndControl()
    {
        const Package& p = package();
        REQUIRE_PACKAGE(p);
        const ToolResult arch = runTool(tool(QStringLiteral("dpkg")), {QStringLiteral("--print-architecture")});
        QCOMPARE(QFileInfo(p.debPath).fileName(),
                 QStringLiteral("ddpm-studio_%1_%2.deb").arg(kVersion, arch.out.trimmed()));
        QCOMPARE(p.control.value(QStringLiteral("Package")), QStringLiteral("ddpm-studio"));
        QCOMPARE(p.control.value(QStringLiteral("Version")), kVersion);
        QCOMPARE(p.control.value(QStringLiteral("Section")), QStringLiteral("science"));
        QCOMPARE(p.control.value(QStringLiteral("Recommends")),
                 QStringLiteral("libopenblas0-openmp, dataset-fashion-mnist"));
        QVERIFY2(p.control.value(QStringLiteral("Homepage")).startsWith(QStringLiteral("https://")),
                 qPrintable(p.control.value(QStringLiteral("Homepage"))));
        // A summary line and a long description of several lines.
        const QStringList description = p.control.value(QStringLiteral("Description")).split('\n');
        QVERIFY2(description.size() >= 5, qPrintable(description.join('\n')));
        // Depends comes from dpkg-shlibdeps: the libraries the executables link.
        const QString depends = p.control.value(QStringLiteral("Depends"));
        for (const char* library : {"libc6", "libtorch", "libqt6core6", "libqt6widgets6", "libopencv-core",
                                    "libqcustomplot", "libgif"})
            QVERIFY2(depends.contains(QRegularExpression(QStringLiteral("(^|, )%1").arg(library))),
                     qPrintable(QStringLiteral("%1 is not in Depends: %2").arg(library, depends)));
    }

    void packageFiles()
    {
        const Package& p = package();
        REQUIRE_PACKAGE(p);
        QStringList files;
        for (QDirIterator it(p.root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories); it.hasNext();)
            files << QDir(p.root).relativeFilePath(it.next());
        files.sort();
        QCOMPARE(files, expectedPackageFiles());

        const QString share = p.root + QStringLiteral("/usr/share/");
        for (const QString& gz : {QStringLiteral("man/man1/ddpm.1.gz"), QStringLiteral("man/man1/ddpm-studio.1.gz"),
                                  QStringLiteral("doc/ddpm-studio/changelog.gz")})
            QVERIFY2(readAll(share + gz).startsWith("\x1f\x8b"), qPrintable(gz)); // gzip's magic
        const QByteArray copyright = readAll(share + QStringLiteral("doc/ddpm-studio/copyright"));
        QVERIFY(copyright.startsWith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"));
        QVERIFY(copyright.contains("License: GPL-3+"));
        QVERIFY(copyright.contains("Files: resources/images/chelsea.png"));
        QVERIFY(readAll(share + QStringLiteral("ddpm-studio/images/CC0-1.0.txt")).contains("CC0 1.0 Universal"));
    }

    void packagedCliRuns()
    {
        const Package& p = package();
        REQUIRE_PACKAGE(p);
        const ToolResult r = runTool(p.root + QStringLiteral("/usr/bin/ddpm"), {QStringLiteral("--version")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(r.out.contains(kVersion), qPrintable(r.describe()));
    }

    void packagedExecutablesHaveNoRpath()
    {
        const Package& p = package();
        REQUIRE_PACKAGE(p);
        const QString readelf = tool(QStringLiteral("readelf"));
        if (readelf.isEmpty())
            QSKIP("readelf is not installed (Debian package binutils)");
        for (const QString& exe : {QStringLiteral("ddpm"), QStringLiteral("ddpm-studio")}) {
            const ToolResult r = runTool(readelf, {QStringLiteral("-d"), p.root + QStringLiteral("/usr/bin/") + exe});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
            QVERIFY2(r.out.contains(QStringLiteral("(NEEDED)")), qPrintable(r.out));
            QVERIFY2(!r.out.contains(QStringLiteral("(RPATH)")) && !r.out.contains(QStringLiteral("(RUNPATH)")),
                     qPrintable(exe + ": " + r.out));
        }
    }

    void installedTreeValidates()
    {
        const Package& p = package();
        REQUIRE_PACKAGE(p);
        const QString appstream = tool(QStringLiteral("appstreamcli"));
        if (appstream.isEmpty())
            QSKIP("appstreamcli is not installed (Debian package appstream; packaging/setup-deps.sh installs it)");
        // The metainfo, its desktop file and icon as installed, checked together.
        const ToolResult tree =
            runTool(appstream, {QStringLiteral("validate-tree"), QStringLiteral("--no-net"), p.root});
        QVERIFY2(tree.exitCode == 0, qPrintable(tree.describe()));
        QVERIFY2(appstreamProblems(tree.out + tree.err).isEmpty(), qPrintable(tree.describe()));
        const QString validator = tool(QStringLiteral("desktop-file-validate"));
        if (!validator.isEmpty()) {
            const ToolResult r =
                runTool(validator, {p.root + QStringLiteral("/usr/share/applications/%1.desktop").arg(kId)});
            QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        }
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "test_packaging.moc"
