// The File menu, offscreen: Save experiment then Open experiment restores the Training page's
// controls, bad experiments are refused with core's message and nothing changed, a run's
// config.json opens, settings without a control are named; Open checkpoint with a file that
// is not one shows a message; recent files fill, cap at eight, persist and prune missing
// files; drops of an image, a checkpoint, a run folder and an experiment open them, other
// files only say so in the status bar; File › Export follows the page; Space and the arrows
// play and step t on the Forward page from any control but a text field.
#include "ddpm/experiment.h"
#include "ddpm/run_directory.h"
#include "ddpm/trainer.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "main_window.h"
#include "pages/forward_page.h"
#include "pages/reverse_page.h"
#include "pages/training_page.h"
#include "recent_files.h"
#include "tiny_data.h"
#include "tiny_runs.h"
#include "ui_test_support.h"
#include "widgets/sampling_options.h"
#include "widgets/slider_player.h"
#include "widgets/training_options.h"

using ddpm::ui::FileKind;
using ddpm::ui::MainWindow;

namespace {

QSpinBox* spin(MainWindow& w, const char* name)
{
    return w.trainingPage()->options()->findChild<QSpinBox*>(QLatin1String(name));
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

/// The text of the message boxes open under w.
QString openMessages(MainWindow& w)
{
    QStringList texts;
    for (QMessageBox* box : w.findChildren<QMessageBox*>())
        texts << box->text();
    return texts.join(QLatin1Char('\n'));
}

void drop(MainWindow& w, const QString& path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDropEvent event(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &event);
}

bool dragAccepted(MainWindow& w, const QString& path)
{
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent event(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&w, &event);
    return event.isAccepted();
}

} // namespace

class TestFileMenu : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_run;        // a run folder with one checkpoint of a tiny MLP
    QString m_checkpoint; // its checkpoint
    QString m_image;

private Q_SLOTS:
    void initTestCase()
    {
        ddpm::test::isolateSettings(QStringLiteral("test_file_menu"));
        QVERIFY(m_dir.isValid());
        const ddpm::TrainConfig c = ddpm::test::checkpointRunConfig();
        ddpm::Trainer trainer(c, ddpm::test::firstItems(c, 64));
        m_run = m_dir.filePath(QStringLiteral("run"));
        const ddpm::RunDirectory run = ddpm::RunDirectory::create(m_run.toStdString(), trainer.config());
        trainer.step();
        m_checkpoint = QString::fromStdString(run.saveCheckpoint(trainer, 1));
        m_image = m_dir.filePath(QStringLiteral("gray.png"));
        QImage image(32, 32, QImage::Format_Grayscale8);
        image.fill(90);
        QVERIFY(image.save(m_image));
    }

    void init() { QSettings().remove(QStringLiteral("recent")); }

    void saveThenOpenRestoresTheControls()
    {
        MainWindow w;
        spin(w, "seed")->setValue(1234);
        spin(w, "trainSteps")->setValue(777);
        const QString path = m_dir.filePath(QStringLiteral("saved.json"));
        QVERIFY(w.saveExperiment(path));
        // What `ddpm train --config` reads.
        const ddpm::TrainConfig saved = ddpm::readExperiment(path.toStdString());
        QCOMPARE(saved.seed, std::uint64_t(1234));
        QCOMPARE(saved.steps, 777LL);

        spin(w, "seed")->setValue(0);
        spin(w, "trainSteps")->setValue(100000);
        w.showPage(MainWindow::Schedule);
        QVERIFY(w.openExperiment(path));
        QCOMPARE(spin(w, "seed")->value(), 1234);
        QCOMPARE(spin(w, "trainSteps")->value(), 777);
        QCOMPARE(w.currentPage(), MainWindow::Training);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("saved.json")));
        QCOMPARE(ddpm::test::closeMessageBoxes(&w), 0);
    }

    void settingsWithoutAControlAreNamed()
    {
        MainWindow w;
        const QString path = m_dir.filePath(QStringLiteral("hidden.json"));
        writeFile(path, R"({"version": 1, "data": "toy:moons", "flip": true, "weight_decay": 0.01,
                            "seed": 5000000000, "steps": 300})");
        QVERIFY(w.openExperiment(path));
        QCOMPARE(spin(w, "trainSteps")->value(), 300);
        const QString message = w.statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("flip = true")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("weight_decay = 0.01")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("seed = 5000000000")), qPrintable(message));
        // Kept, so Start trains with them.
        QCOMPARE(w.trainingPage()->options()->settings().config.flip, true);
    }

    void badExperimentsChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key") << QByteArray(R"({"version": 1, "learning_rate": 0.1})") << "learning_rate";
        QTest::newRow("bad value") << QByteArray(R"({"version": 1, "lr": 5})") << "lr";
        QTest::newRow("wrong version") << QByteArray(R"({"version": 99})") << "version";
        QTest::newRow("not JSON") << QByteArray("steps = 10\n") << "bad.json";
    }

    void badExperimentsChangeNothing()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        MainWindow w;
        spin(w, "seed")->setValue(42);
        spin(w, "trainSteps")->setValue(555);
        w.showPage(MainWindow::Schedule);
        const QString path = m_dir.filePath(QStringLiteral("bad.json"));
        writeFile(path, text);
        QVERIFY(!w.openExperiment(path));
        const QString message = openMessages(w);
        QVERIFY2(message.contains(expected), qPrintable(message));
        QCOMPARE(spin(w, "seed")->value(), 42);
        QCOMPARE(spin(w, "trainSteps")->value(), 555);
        QCOMPARE(w.currentPage(), MainWindow::Schedule);
        QVERIFY(w.recentFiles().entries().isEmpty());
        QCOMPARE(ddpm::test::closeMessageBoxes(&w), 1);
    }

    void aRunsConfigOpens()
    {
        MainWindow w;
        QVERIFY(w.openExperiment(m_run + QStringLiteral("/config.json")));
        QCOMPARE(w.trainingPage()->options()->dataSpec(), QStringLiteral("toy:gaussians8"));
        QCOMPARE(spin(w, "diffusionSteps")->value(), 20);
    }

    void openCheckpointRefusesOtherFiles()
    {
        MainWindow w;
        const QString before = w.reversePage()->options()->settings().modelSpec;
        const QString path = m_dir.filePath(QStringLiteral("notes.ckpt"));
        writeFile(path, "just some text, not a checkpoint\n");
        QVERIFY(!w.openCheckpoint(path));
        const QString message = openMessages(w);
        QVERIFY2(message.contains(QStringLiteral("not a")), qPrintable(message));
        QCOMPARE(w.reversePage()->options()->settings().modelSpec, before);
        QVERIFY(w.recentFiles().entries().isEmpty());
        QVERIFY(ddpm::test::closeMessageBoxes(&w) >= 1);

        // A real one is chosen on the Reverse chain page.
        w.showPage(MainWindow::Schedule);
        QVERIFY(w.openCheckpoint(m_checkpoint));
        QCOMPARE(w.reversePage()->options()->settings().modelSpec, m_checkpoint);
        QCOMPARE(w.reversePage()->options()->modelLabel(), QStringLiteral("run/step-00000001.ckpt"));
        QCOMPARE(w.currentPage(), MainWindow::Reverse);
    }

    void recentFilesFillPersistAndPrune()
    {
        {
            MainWindow w;
            QVERIFY(w.openImage(m_image));
            QVERIFY(w.openExperiment(m_run + QStringLiteral("/config.json")));
            QVERIFY(w.openCheckpoint(m_run));
            const auto entries = w.recentFiles().entries();
            QCOMPARE(entries.size(), 3);
            QCOMPARE(entries[0].kind, FileKind::Checkpoint);
            QCOMPARE(entries[1].kind, FileKind::Experiment);
            QCOMPARE(entries[2].kind, FileKind::Image);
            QCOMPARE(entries[2].path, m_image);
            // Opening again moves it to the front, once.
            QVERIFY(w.openImage(m_image));
            QCOMPARE(w.recentFiles().entries().size(), 3);
            QCOMPARE(w.recentFiles().entries().front().path, m_image);
        }
        // A new window reads them back; at most eight are kept.
        MainWindow w;
        QCOMPARE(w.recentFiles().entries().size(), 3);
        QStringList copies;
        for (int i = 0; i < 9; ++i) {
            copies << m_dir.filePath(QStringLiteral("copy-%1.png").arg(i));
            QFile::remove(copies.back());
            QVERIFY(QFile::copy(m_image, copies.back()));
            QVERIFY(w.openImage(copies.back()));
        }
        QCOMPARE(w.recentFiles().entries().size(), ddpm::ui::RecentFiles::kMax);
        QCOMPARE(w.recentFiles().entries().front().path, copies.back());

        // The menu lists them; a missing file is removed when the menu opens, with a message.
        QVERIFY(QFile::remove(copies[8]));
        Q_EMIT w.recentMenu()->aboutToShow();
        QCOMPARE(w.recentFiles().entries().size(), ddpm::ui::RecentFiles::kMax - 1);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("copy-8.png")));
        int listed = 0;
        for (QAction* a : w.recentMenu()->actions())
            listed += a->data().toString().isEmpty() ? 0 : 1;
        QCOMPARE(listed, ddpm::ui::RecentFiles::kMax - 1);

        // Choosing one whose file went meanwhile removes it too; an existing one reopens.
        const auto trigger = [&w](const QString& path) {
            for (QAction* a : w.recentMenu()->actions())
                if (a->data().toString() == path) {
                    a->trigger();
                    return true;
                }
            return false;
        };
        QVERIFY(QFile::remove(copies[7]));
        QVERIFY(trigger(copies[7]));
        QTRY_COMPARE(w.recentFiles().entries().size(), ddpm::ui::RecentFiles::kMax - 2);
        QCOMPARE(ddpm::test::closeMessageBoxes(&w), 0);
        w.showPage(MainWindow::Schedule);
        QVERIFY(trigger(copies[6]));
        QTRY_COMPARE(w.forwardPage()->imagePath(), copies[6]);
        QCOMPARE(w.currentPage(), MainWindow::Forward);

        w.findChild<QAction*>(QStringLiteral("clearRecent"))->trigger();
        QVERIFY(w.recentFiles().entries().isEmpty());
        QVERIFY(ddpm::ui::RecentFiles().entries().isEmpty());
    }

    void dropsOpenByKind()
    {
        MainWindow w;
        QVERIFY(dragAccepted(w, m_image));
        QVERIFY(dragAccepted(w, m_checkpoint));
        QVERIFY(dragAccepted(w, m_run));
        QVERIFY(dragAccepted(w, m_run + QStringLiteral("/config.json")));
        const QString text = m_dir.filePath(QStringLiteral("readme.txt"));
        writeFile(text, "hello\n");
        QVERIFY(!dragAccepted(w, text));

        w.showPage(MainWindow::Schedule);
        drop(w, m_image);
        QTRY_COMPARE(w.forwardPage()->imagePath(), m_image);
        QCOMPARE(w.currentPage(), MainWindow::Forward);
        QCOMPARE(ddpm::test::closeMessageBoxes(&w), 0);
    }

    // What a drop opens, by kind, through openFile (the function dropEvent queues; a second
    // drop event sent by hand is not delivered offscreen, so the image drop above is the one
    // that goes through the event).
    void openFileOpensByKind()
    {
        {
            MainWindow w;
            QVERIFY(w.openFile(m_checkpoint));
            QTRY_COMPARE(w.currentPage(), MainWindow::Reverse);
            QCOMPARE(w.reversePage()->options()->settings().modelSpec, m_checkpoint);
        }
        {
            MainWindow w;
            spin(w, "diffusionSteps")->setValue(999);
            QVERIFY(w.openFile(m_run + QStringLiteral("/config.json")));
            QTRY_COMPARE(w.currentPage(), MainWindow::Training);
            QCOMPARE(spin(w, "diffusionSteps")->value(), 20);
        }
        {
            MainWindow w;
            w.showPage(MainWindow::Schedule);
            QVERIFY(w.openFile(m_run));
            QTRY_COMPARE(w.currentPage(), MainWindow::Reverse);
            QCOMPARE(w.reversePage()->options()->settings().modelSpec, m_run);
        }
        // Anything else: a status bar message, no dialog, nothing changed.
        MainWindow w;
        const QString text = m_dir.filePath(QStringLiteral("readme.txt"));
        writeFile(text, "hello\n");
        w.showPage(MainWindow::Schedule);
        QVERIFY(!w.openFile(text));
        QTRY_VERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("readme.txt")));
        QCOMPARE(w.currentPage(), MainWindow::Schedule);
        QCOMPARE(ddpm::test::closeMessageBoxes(&w), 0);
    }

    void exportFollowsThePage()
    {
        MainWindow w;
        QAction* exportAction = w.findChild<QAction*>(QStringLiteral("export"));
        QVERIFY(exportAction);
        QCOMPARE(exportAction->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
        w.showPage(MainWindow::Schedule);
        QVERIFY(w.canExport());
        QVERIFY(exportAction->isEnabled());
        w.showPage(MainWindow::Reverse); // no chain sampled yet
        QVERIFY(!w.canExport());
        QVERIFY(!exportAction->isEnabled());
        w.showPage(MainWindow::Training); // no curves yet
        QVERIFY(!exportAction->isEnabled());
    }

    void playbackKeysOnTheForwardPage()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.showPage(MainWindow::Forward);
        ddpm::ui::ForwardPage* page = w.forwardPage();
        page->setT(100);
        // A combo box has the focus: the arrows step t, Space plays and pauses.
        auto* combo = page->findChild<QComboBox*>();
        QVERIFY(combo);
        combo->setFocus();
        QTRY_VERIFY(combo->hasFocus());
        QTest::keyClick(combo, Qt::Key_Right);
        QCOMPARE(page->t(), 101);
        QTest::keyClick(combo, Qt::Key_Left);
        QTest::keyClick(combo, Qt::Key_Left);
        QCOMPARE(page->t(), 99);
        page->player()->setSpeed(1);
        QTest::keyClick(combo, Qt::Key_Space);
        QVERIFY(page->player()->isPlaying());
        QTest::keyClick(combo, Qt::Key_Space);
        QVERIFY(!page->player()->isPlaying());
        // A spin box keeps the keys for typing.
        auto* box = page->findChild<QAbstractSpinBox*>();
        QVERIFY(box);
        box->setFocus();
        QTRY_VERIFY(box->hasFocus());
        const int t = page->t();
        QTest::keyClick(box, Qt::Key_Right);
        QTest::keyClick(box, Qt::Key_Space);
        QCOMPARE(page->t(), t);
        QVERIFY(!page->player()->isPlaying());
    }
};

QTEST_MAIN(TestFileMenu)
#include "test_file_menu.moc"
