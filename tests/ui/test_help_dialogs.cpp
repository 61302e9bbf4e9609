// Help menu, offscreen: Help › User guide shows the bundled guide (the same text as
// docs/USER_GUIDE.md, every picture it names bundled too, pictures no wider than the window)
// and Help › About names the versions of Qt, LibTorch and OpenCV, the device, the thread
// count and the licence.
#include <torch/version.h>

#include <QAction>
#include <QFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTextFragment>
#include <QtTest>

#include "about_box.h"
#include "ddpm/runtime.h"
#include "guide_dialog.h"
#include "main_window.h"
#include "ui_test_support.h"

using ddpm::ui::GuideDialog;
using ddpm::ui::MainWindow;

namespace {

QString readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QAction* actionNamed(const MainWindow& window, const QString& name)
{
    return window.menuBar()->findChild<QAction*>(name);
}

} // namespace

class TestHelpDialogs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { ddpm::test::isolateSettings(QStringLiteral("test_help_dialogs")); }

    void guideIsTheDocsGuide()
    {
        const QString source = readAll(QStringLiteral(DDPM_RESOURCES_DIR "/../docs/USER_GUIDE.md"));
        QVERIFY(!source.isEmpty());
        QCOMPARE(readAll(QStringLiteral(":/docs/USER_GUIDE.md")), source);

        GuideDialog dialog;
        const QString shown = dialog.browser()->toPlainText();
        QVERIFY2(shown.startsWith(QStringLiteral("DDPM Studio user guide")), qPrintable(shown.left(80)));
        for (const char* section : {"Schedule", "Forward process", "Bound", "Training", "Reverse chain"})
            QVERIFY(shown.contains(QString::fromLatin1(section)));
        QVERIFY(!shown.contains(QStringLiteral("](screenshots/"))); // rendered, not Markdown source
    }

    void everyPictureOfTheGuideIsBundled()
    {
        const QString guide = readAll(QStringLiteral(":/docs/USER_GUIDE.md"));
        const QRegularExpression picture(QStringLiteral("!\\[[^\\]]*\\]\\(([^)]+)\\)"));
        int count = 0;
        for (auto it = picture.globalMatch(guide); it.hasNext(); ++count) {
            const QString path = it.next().captured(1);
            QVERIFY2(QFile::exists(QStringLiteral(":/docs/") + path),
                     qPrintable(path + QStringLiteral(" is not in resources/resources.qrc")));
        }
        QVERIFY(count >= 5);
    }

    void picturesFitTheWindow()
    {
        GuideDialog dialog;
        dialog.resize(640, 480);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const int room = dialog.browser()->viewport()->width();
        int images = 0;
        QTextDocument* document = dialog.browser()->document();
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next())
            for (auto it = block.begin(); !it.atEnd(); ++it)
                if (it.fragment().charFormat().isImageFormat()) {
                    const QTextImageFormat format = it.fragment().charFormat().toImageFormat();
                    QVERIFY(format.width() > 0);
                    QVERIFY2(format.width() <= room, qPrintable(format.name()));
                    ++images;
                }
        QVERIFY(images >= 5);
    }

    void helpMenuOpensTheGuide()
    {
        MainWindow window;
        QAction* guide = actionNamed(window, QStringLiteral("userGuide"));
        QVERIFY(guide);
        QCOMPARE(guide->shortcut(), QKeySequence(QKeySequence::HelpContents));
        guide->trigger();
        auto* dialog = window.findChild<GuideDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        guide->trigger(); // shown again, not a second one
        QCOMPARE(window.findChildren<GuideDialog*>().size(), 1);
    }

    void aboutNamesTheVersions()
    {
        const QString text = ddpm::ui::aboutText();
        QVERIFY(text.contains(QString::fromLatin1(qVersion())));
        QVERIFY(text.contains(QStringLiteral(TORCH_VERSION)));
        QVERIFY(text.contains(QStringLiteral("OpenCV")));
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("OpenCV</td><td>\\d+\\.\\d+\\.\\d+"))));
        QVERIFY(text.contains(QStringLiteral("GPL-3.0-or-later")));
        QVERIFY(text.contains(QString::fromStdString(ddpm::pickDevice("auto").str())));
        QVERIFY(text.contains(QStringLiteral("%1 (intra-op").arg(ddpm::threadCount())));

        MainWindow window;
        QAction* about = actionNamed(window, QStringLiteral("about"));
        QVERIFY(about);
        about->trigger();
        auto* box = window.findChild<QMessageBox*>(QStringLiteral("aboutBox"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral(TORCH_VERSION)));
        QVERIFY(box->text().contains(QString::fromLatin1(qVersion())));
        QCOMPARE(ddpm::test::closeMessageBoxes(&window), 1);
    }
};

QTEST_MAIN(TestHelpDialogs)
#include "test_help_dialogs.moc"
